package io.concurrentkvs.bench.load;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The bookkeeping of a pipelined loop, the same for every system: how many requests are outstanding,
 * how many completed or failed, and their latencies, recorded on whichever thread completes them
 * through a wait-free {@link Recorder}. Thread safety: {@link #sending} and {@link #track} from the
 * sending thread; completions from any thread.
 */
final class PipelineWindow {
    private final Recorder recorder = new Recorder(1, 60_000_000_000L, 3);
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    int outstanding() {
        return outstanding.get();
    }

    long completed() {
        return completed.get();
    }

    long errors() {
        return errors.get();
    }

    /** Counts a request as outstanding; call just before sending it. */
    void sending() {
        outstanding.incrementAndGet();
    }

    /** Records the completion of a request sent at {@code sentNanos}. */
    void track(CompletionStage<?> request, long sentNanos) {
        request.whenComplete((answer, error) -> {
            recorder.recordValue(System.nanoTime() - sentNanos);
            if (error != null) {
                errors.incrementAndGet();
            }
            completed.incrementAndGet();
            outstanding.decrementAndGet();
        });
    }

    /** Waits (yielding) until nothing is outstanding. */
    void awaitDrained() {
        while (outstanding.get() > 0) {
            Thread.yield();
        }
    }

    /** Latencies recorded since the last call. */
    Histogram latencies() {
        return recorder.getIntervalHistogram();
    }
}
