package io.concurrentkvs.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/**
 * The outcome of a timed benchmark run and its rendering as the summary {@code kvs bench} prints.
 * Immutable after construction (the histogram is a private copy).
 *
 * @param plan what ran
 * @param elapsedNanos wall time of the timed run
 * @param completed operations answered
 * @param failed operations that failed
 * @param opCounts answered operations by {@link OperationMix.Op} ordinal
 * @param getHits GETs that found a value
 * @param latency latencies of answered operations, in nanoseconds
 * @param firstError the first failure, if any
 * @param aborted whether the run stopped early (server gone, request rejected)
 */
record BenchResult(
        BenchPlan plan,
        long elapsedNanos,
        long completed,
        long failed,
        long[] opCounts,
        long getHits,
        Histogram latency,
        Optional<Throwable> firstError,
        boolean aborted) {

    /** Answered operations per second of wall time. */
    double opsPerSecond() {
        return elapsedNanos > 0 ? completed * 1e9 / elapsedNanos : Double.NaN;
    }

    /** The summary: throughput, operations by type, and the latency percentiles in microseconds. */
    List<String> summary() {
        List<String> lines = new ArrayList<>();
        lines.add("summary   " + Formats.count(completed) + " ops in " + Formats.seconds(elapsedNanos) + " = "
                + Formats.rate(opsPerSecond()) + " ops/s, " + Formats.count(failed) + " errors"
                + (aborted ? " (stopped early)" : ""));
        StringBuilder ops = new StringBuilder("by op    ");
        for (OperationMix.Op op : OperationMix.Op.values()) {
            long n = opCounts[op.ordinal()];
            if (n > 0) {
                ops.append(' ')
                        .append(op.name().toLowerCase(Locale.ROOT))
                        .append(' ')
                        .append(Formats.count(n));
                if (op == OperationMix.Op.GET) {
                    ops.append(" (hits ").append(Formats.percent(getHits, n)).append(')');
                }
                ops.append(',');
            }
        }
        lines.add(ops.charAt(ops.length() - 1) == ',' ? ops.substring(0, ops.length() - 1) : ops.toString());
        if (latency.getTotalCount() == 0) {
            lines.add("latency   no operation completed");
        } else {
            lines.add("latency   µs   p50 " + Formats.micros(latency.getValueAtPercentile(50.0))
                    + "   p90 " + Formats.micros(latency.getValueAtPercentile(90.0))
                    + "   p99 " + Formats.micros(latency.getValueAtPercentile(99.0))
                    + "   p99.9 " + Formats.micros(latency.getValueAtPercentile(99.9))
                    + "   max " + Formats.micros(latency.getMaxValue())
                    + "   mean " + Formats.micros((long) latency.getMean())
                    + "   (" + Formats.count(latency.getTotalCount()) + " samples)");
        }
        return lines;
    }
}
