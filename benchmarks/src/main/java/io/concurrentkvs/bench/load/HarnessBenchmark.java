package io.concurrentkvs.bench.load;

import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the load generator's pipelined loop itself costs per request, with no store: pick a key, count
 * the request, read the clock, register the completion callback on a future that is still incomplete
 * (as every real client returns it), and later complete it, which runs the callback (clock, histogram,
 * counters). Both halves run on one thread in batches of {@link #BATCH}, as on a client that has one
 * core: the result bounds the requests per second any system can show through this harness from one
 * client thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class HarnessBenchmark {
    static final int BATCH = 1_000;

    private final byte[][] keys = Keys.build("var", 100_000);
    private final SplittableRandom random = new SplittableRandom(1);
    private final PipelineWindow window = new PipelineWindow();

    @SuppressWarnings("unchecked")
    private final CompletableFuture<Object>[] pending = (CompletableFuture<Object>[]) new CompletableFuture<?>[BATCH];

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long sendThenComplete() {
        long keyBytes = 0;
        for (int i = 0; i < BATCH; i++) {
            byte[] key = keys[random.nextInt(keys.length)];
            keyBytes += key.length;
            window.sending();
            long t0 = System.nanoTime();
            CompletableFuture<Object> request = new CompletableFuture<>();
            window.track(request, t0);
            pending[i] = request;
        }
        for (int i = 0; i < BATCH; i++) {
            pending[i].complete(Boolean.TRUE);
            pending[i] = null;
        }
        return keyBytes + window.outstanding();
    }
}
