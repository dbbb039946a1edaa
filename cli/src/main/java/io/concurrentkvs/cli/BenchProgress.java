package io.concurrentkvs.cli;

import java.util.Locale;

/**
 * One progress sample of a running benchmark: totals so far plus rate and latency over the last interval.
 * Immutable.
 *
 * @param done operations completed
 * @param failed operations that failed
 * @param total operations planned
 * @param elapsedNanos time since the timed run began
 * @param intervalOpsPerSecond completions per second since the previous sample
 * @param intervalP50Nanos median latency since the previous sample (0 if none)
 * @param intervalP99Nanos 99th percentile latency since the previous sample (0 if none)
 */
record BenchProgress(
        long done,
        long failed,
        long total,
        long elapsedNanos,
        double intervalOpsPerSecond,
        long intervalP50Nanos,
        long intervalP99Nanos) {

    /** The line a progress display shows, e.g. {@code  42.0%  420,000/1,000,000 ops  415,234 ops/s ...}. */
    String render() {
        return String.format(
                Locale.ROOT,
                "%5.1f%%  %s/%s ops  %s ops/s  p50 %s µs  p99 %s µs  %s errors  %s",
                100.0 * done / total,
                Formats.count(done),
                Formats.count(total),
                Formats.rate(intervalOpsPerSecond),
                Formats.micros(intervalP50Nanos),
                Formats.micros(intervalP99Nanos),
                Formats.count(failed),
                Formats.seconds(elapsedNanos));
    }
}
