package io.concurrentkvs.bench.load;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * What one client process measured in one scenario: operations completed, the time they took, their
 * latencies (nanoseconds; empty where latency is not measured, e.g. batch streams), failures, and the
 * bytes the whole client process allocated and the CPU time it used while measuring.
 *
 * <p>Travels from a child to the orchestrator as one text line ({@link #encode}/{@link #decode}), the
 * histogram as compressed HdrHistogram bytes, so percentiles are merged exactly across processes.
 */
record Measurement(long ops, long nanos, long errors, long allocatedBytes, long cpuNanos, Histogram latency) {
    static Histogram newHistogram() {
        // 1 ns .. 60 s at 3 significant digits: sub-microsecond values keep their resolution.
        return new Histogram(1, 60_000_000_000L, 3);
    }

    double opsPerSecond() {
        return nanos == 0 ? 0 : ops * 1e9 / nanos;
    }

    String encode() {
        ByteBuffer buffer = ByteBuffer.allocate(latency.getNeededByteBufferCapacity());
        int length = latency.encodeIntoCompressedByteBuffer(buffer);
        byte[] bytes = new byte[length];
        buffer.flip();
        buffer.get(bytes);
        return ops + " " + nanos + " " + errors + " " + allocatedBytes + " " + cpuNanos + " "
                + Base64.getEncoder().encodeToString(bytes);
    }

    static Measurement decode(String line) {
        String[] f = line.trim().split(" ");
        try {
            Histogram h = Histogram.decodeFromCompressedByteBuffer(
                    ByteBuffer.wrap(Base64.getDecoder().decode(f[5])), 1);
            return new Measurement(
                    Long.parseLong(f[0]),
                    Long.parseLong(f[1]),
                    Long.parseLong(f[2]),
                    Long.parseLong(f[3]),
                    Long.parseLong(f[4]),
                    h);
        } catch (DataFormatException e) {
            throw new IllegalStateException("corrupt histogram from a child: " + e, e);
        }
    }

    /**
     * Several processes that ran at the same time: throughput is the sum of each one's rate, latencies are
     * the union of their histograms.
     */
    static Aggregate aggregate(List<Measurement> parts) {
        Histogram all = newHistogram();
        double rate = 0;
        long ops = 0;
        long errors = 0;
        long alloc = 0;
        long cpu = 0;
        for (Measurement m : parts) {
            all.add(m.latency);
            rate += m.opsPerSecond();
            ops += m.ops;
            errors += m.errors;
            alloc += m.allocatedBytes;
            cpu += m.cpuNanos;
        }
        return new Aggregate(
                parts.size(),
                ops,
                rate,
                errors,
                ops == 0 ? 0 : (double) alloc / ops,
                ops == 0 ? 0 : (double) cpu / ops,
                all);
    }

    /** The merged result of one scenario across its client processes. */
    record Aggregate(
            int processes,
            long ops,
            double opsPerSecond,
            long errors,
            double clientBytesPerOp,
            double clientCpuNanosPerOp,
            Histogram latency) {}
}
