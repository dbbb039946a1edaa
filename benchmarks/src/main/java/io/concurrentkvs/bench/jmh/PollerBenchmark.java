package io.concurrentkvs.bench.jmh;

import io.concurrentkvs.blocking.KvsClient;
import io.concurrentkvs.core.AsyncKvsClient;
import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.ConnectionOptions;
import io.concurrentkvs.core.IdleStrategy;
import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.core.KvsServer;
import io.concurrentkvs.micrometer.KvsClientMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole client/server path in one process: a server with one worker and a connection over the same
 * shared-memory region, so the request crosses the ring, the worker, the response slot and the poller's
 * completion, without a second JVM's scheduling noise. {@code asyncGetJoin}: one request at a time;
 * {@code pipelined64}: 64 in flight, then wait for all; {@code pipelinedCallbacks}: the load generator's
 * window of callbacks; {@code syncGet}: the blocking adapter (whose calling thread polls its own slot).
 * {@code syncSpinNanos=0} shows what the poller alone costs: the thread joining a future then parks at
 * once and the poller completes every request. {@code metrics=micrometer} binds a {@code KvsClientMetrics}
 * to a {@code SimpleMeterRegistry}, timing every request; the default, {@code none}, binds nothing (pass
 * {@code -p metrics=none,micrometer} to compare).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class PollerBenchmark {
    @Param({"busy", "balanced"})
    public String serverIdle;

    /** How long a thread joining a future polls its own answer (0: the poller completes everything). */
    @Param({"50000"})
    public long syncSpinNanos;

    /** Requests outstanding in {@link #pipelinedCallbacks}; above 256 some wait for a response slot. */
    @Param({"200"})
    public int window;

    /** {@code none}: no metrics; {@code micrometer}: a KvsClientMetrics bound to a SimpleMeterRegistry. */
    @Param({"none"})
    public String metrics;

    static final int CALLBACK_BATCH = 10_000;
    final AtomicInteger outstanding = new AtomicInteger();

    KvsServer server;
    KvsConnection connection;
    AsyncKvsClient<byte[], byte[]> async;
    KvsClient<byte[], byte[]> sync;
    final byte[] key = "kxxxx0000042".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @SuppressWarnings("unchecked")
    final CompletableFuture<Optional<byte[]>>[] batch =
            (CompletableFuture<Optional<byte[]>>[]) new CompletableFuture<?>[64];

    @Setup(Level.Trial)
    public void setUp() {
        String name = "kvs-jmh-" + ProcessHandle.current().pid();
        server = KvsServer.builder(name)
                .workers(1)
                .idleStrategy(IdleStrategy.parse(serverIdle))
                .build();
        server.start();
        connection = KvsConnection.connect(
                name,
                ConnectionOptions.builder()
                        .syncSpin(Duration.ofNanos(syncSpinNanos))
                        .build());
        async = connection.async(Codecs.bytes(), Codecs.bytes());
        sync = KvsClient.of(connection, Codecs.bytes(), Codecs.bytes());
        if (metrics.equals("micrometer")) {
            new KvsClientMetrics(connection).bindTo(new SimpleMeterRegistry());
        } else if (!metrics.equals("none")) {
            throw new IllegalArgumentException("metrics must be none or micrometer: " + metrics);
        }
        async.set(key, new byte[100]).join();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        connection.close();
        server.close();
        KvsServer.destroy(server.name()); // close() keeps the store file in /dev/shm
    }

    @Benchmark
    public Optional<byte[]> asyncGetJoin() {
        return async.get(key).join();
    }

    @Benchmark
    public Optional<byte[]> syncGet() {
        return sync.get(key);
    }

    /**
     * The load generator's pipelined pattern: completion callbacks (which run on the poller) release
     * the window, and the sender yields while {@link #window} requests are outstanding.
     */
    @Benchmark
    @OperationsPerInvocation(CALLBACK_BATCH)
    public long pipelinedCallbacks() {
        for (int i = 0; i < CALLBACK_BATCH; i++) {
            while (outstanding.get() >= window) {
                Thread.yield();
            }
            outstanding.incrementAndGet();
            async.get(key).whenComplete((answer, error) -> outstanding.decrementAndGet());
        }
        while (outstanding.get() > 0) {
            Thread.yield();
        }
        return outstanding.get();
    }

    @Benchmark
    @OperationsPerInvocation(64)
    public Object pipelined64() {
        for (int i = 0; i < batch.length; i++) {
            batch[i] = async.get(key);
        }
        Object last = null;
        for (CompletableFuture<Optional<byte[]>> f : batch) {
            last = f.join();
        }
        return last;
    }
}
