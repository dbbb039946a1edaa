package io.concurrentkvs.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * Measures this disk's fsync latency where a persistence directory lives: appends 4 KiB to a scratch file
 * in that directory and forces it, {@code count} times, each force timed alone. Two passes: {@link
 * FileChannel#force(boolean) force(false)} (fdatasync: the data and the size, what an append-only log
 * needs) and {@code force(true)} (fsync: also the other metadata). The scratch file is deleted afterwards.
 * The numbers bound what {@code FsyncPolicy.ALWAYS} can do: one writer waiting for each record can do at
 * most {@code 1 / latency} writes a second, and group commit multiplies that by the writes that share one
 * force.
 *
 * <p>Run alone: {@code java -cp kvs-benchmarks.jar io.concurrentkvs.bench.load.FsyncProbe DIR [COUNT]}.
 * Single-threaded.
 */
public final class FsyncProbe {
    static final int BLOCK = 4096;

    /** The latencies of one pass, in nanoseconds. */
    record Result(String call, int count, Histogram latency) {
        double p50Micros() {
            return latency.getValueAtPercentile(50) / 1e3;
        }

        double p99Micros() {
            return latency.getValueAtPercentile(99) / 1e3;
        }

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "%s of a 4 KiB append, %d times: p50 %.0f us, p99 %.0f us, max %.0f us",
                    call,
                    count,
                    p50Micros(),
                    p99Micros(),
                    latency.getMaxValue() / 1e3);
        }
    }

    private FsyncProbe() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : ".");
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        System.out.println("fsync probe in " + dir.toAbsolutePath() + " (" + Files.getFileStore(dir) + ")");
        System.out.println(measure(dir, count, false));
        System.out.println(measure(dir, count, true));
    }

    /** One pass of {@code count} appends, each followed by {@code force(metadata)}. */
    static Result measure(Path dir, int count, boolean metadata) throws IOException {
        Path file = Files.createTempFile(dir, "fsync-probe-", ".tmp");
        Histogram latency = Measurement.newHistogram();
        ByteBuffer block = ByteBuffer.allocateDirect(BLOCK);
        for (int i = 0; i < BLOCK; i++) {
            block.put(i, (byte) i);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            for (int i = 0; i < count; i++) {
                block.clear();
                while (block.hasRemaining()) {
                    channel.write(block);
                }
                long t0 = System.nanoTime();
                channel.force(metadata);
                latency.recordValue(Math.max(1, System.nanoTime() - t0));
            }
        } finally {
            Files.deleteIfExists(file);
        }
        return new Result(metadata ? "force(true) (fsync)" : "force(false) (fdatasync)", count, latency);
    }
}
