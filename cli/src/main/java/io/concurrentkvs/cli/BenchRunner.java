package io.concurrentkvs.cli;

import io.concurrentkvs.core.AsyncKvsClient;
import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.core.KvsUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Runs a {@link BenchPlan}: one connection and one sending thread per client, each thread keeping at most
 * {@code pipeline} asynchronous requests in flight (a semaphore permit per request, released when its
 * future completes). Latency is measured from just before a request is submitted to its completion, and
 * recorded in an HdrHistogram {@link Recorder} (wait-free for the completing poller threads).
 *
 * <p>Threads: {@link #preload} and {@link #run} block the calling thread until every client thread is
 * done; {@link #sample} may be called from one other thread at a time (the progress display) while
 * {@link #run} is going. A failure with {@link KvsUnavailableException} (the server went away) stops
 * every client early; other failures are counted and the run continues.
 */
final class BenchRunner implements AutoCloseable {
    private final BenchPlan plan;
    private final List<KvsConnection> connections = new ArrayList<>();
    private final List<AsyncKvsClient<String, String>> clients = new ArrayList<>();

    private final Recorder recorder = new Recorder(3);
    private final Histogram total = new Histogram(3);
    private Histogram recycled;
    private final LongAdder completed = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder[] byOp = new LongAdder[OperationMix.Op.values().length];
    private final LongAdder getHits = new LongAdder();
    private final AtomicReference<Throwable> firstError = new AtomicReference<>();
    private volatile boolean aborted;
    private volatile long runStartNanos;
    private long lastSampleNanos;
    private long lastSampleDone;

    private BenchRunner(BenchPlan plan) {
        this.plan = plan;
        for (int i = 0; i < byOp.length; i++) {
            byOp[i] = new LongAdder();
        }
    }

    /** Connects one client per {@link BenchPlan#clients()}; closes what it opened if one fails. */
    static BenchRunner connect(BenchPlan plan) {
        BenchRunner runner = new BenchRunner(plan);
        try {
            for (int i = 0; i < plan.clients(); i++) {
                KvsConnection connection = KvsConnection.connect(plan.name());
                runner.connections.add(connection);
                runner.clients.add(connection.async(Codecs.string(), Codecs.string()));
            }
        } catch (RuntimeException e) {
            runner.close();
            throw e;
        }
        return runner;
    }

    /** Writes every key once, untimed, so the timed GETs find values. */
    void preload() throws InterruptedException {
        runClients(true);
        completed.reset();
        recorder.reset();
    }

    /** Runs the timed operations; returns the result once every request has completed or failed. */
    BenchResult run() throws InterruptedException {
        synchronized (this) {
            runStartNanos = System.nanoTime();
            lastSampleNanos = runStartNanos;
        }
        runClients(false);
        return finish(System.nanoTime() - runStartNanos);
    }

    // Synchronized with sample(): the progress display may still be sampling while the run ends.
    private synchronized BenchResult finish(long elapsedNanos) {
        sample();
        long[] counts = new long[byOp.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = byOp[i].sum();
        }
        return new BenchResult(
                plan,
                elapsedNanos,
                completed.sum(),
                failed.sum(),
                counts,
                getHits.sum(),
                total.copy(),
                Optional.ofNullable(firstError.get()),
                aborted);
    }

    /**
     * Progress since the previous sample; folds the interval's latencies into the run's histogram. Call from
     * one thread at a time.
     */
    synchronized BenchProgress sample() {
        long now = System.nanoTime();
        Histogram interval = recorder.getIntervalHistogram(recycled);
        total.add(interval);
        long done = completed.sum();
        long span = now - lastSampleNanos;
        double rate = span > 0 ? (done - lastSampleDone) * 1e9 / span : Double.NaN;
        BenchProgress progress = new BenchProgress(
                done,
                failed.sum(),
                plan.ops(),
                now - runStartNanos,
                rate,
                interval.getTotalCount() == 0 ? 0 : interval.getValueAtPercentile(50.0),
                interval.getTotalCount() == 0 ? 0 : interval.getValueAtPercentile(99.0));
        lastSampleNanos = now;
        lastSampleDone = done;
        recycled = interval;
        return progress;
    }

    private void runClients(boolean load) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            int index = i;
            Thread thread = new Thread(() -> runClient(index, load), "kvs-bench-client-" + i);
            thread.setUncaughtExceptionHandler((t, e) -> recordFailure(e));
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }

    private void runClient(int index, boolean load) {
        AsyncKvsClient<String, String> client = clients.get(index);
        SplittableRandom random = new SplittableRandom(index * 0x9E3779B97F4A7C15L + System.nanoTime());
        String value = randomValue(random, plan.valueSize());
        int firstKey = plan.firstPreloadKey(index);
        long count = load ? plan.firstPreloadKey(index + 1) - firstKey : plan.opsOf(index);
        Semaphore window = new Semaphore(plan.pipeline());
        for (long i = 0; i < count && !aborted; i++) {
            window.acquireUninterruptibly();
            OperationMix.Op op = load ? OperationMix.Op.SET : plan.mix().pick(random);
            String key = BenchPlan.key(load ? firstKey + i : random.nextInt(plan.keys()));
            long start = System.nanoTime();
            CompletableFuture<?> future;
            try {
                future = submit(client, op, key, value);
            } catch (RuntimeException e) {
                // Rejected at the call (e.g. a value over the store's limit): every request would be.
                window.release();
                recordFailure(e);
                aborted = true;
                break;
            }
            future.whenComplete((answer, error) -> {
                onComplete(op, answer, error, System.nanoTime() - start, load);
                window.release();
            });
        }
        // Wait for this client's last requests: they complete or time out, never hang.
        window.acquireUninterruptibly(plan.pipeline());
    }

    private CompletableFuture<?> submit(
            AsyncKvsClient<String, String> client, OperationMix.Op op, String key, String value) {
        switch (op) {
            case GET:
                return client.get(key, plan.timeout());
            case SET:
                return client.set(key, value, plan.timeout());
            case POST:
                return client.post(key, value, plan.timeout());
            case DEL:
                return client.del(key, plan.timeout());
            default:
                throw new AssertionError(op);
        }
    }

    private void onComplete(OperationMix.Op op, Object answer, Throwable error, long latencyNanos, boolean load) {
        if (error != null) {
            recordFailure(error);
            return;
        }
        if (load) {
            return;
        }
        recorder.recordValue(latencyNanos);
        byOp[op.ordinal()].increment();
        if (op == OperationMix.Op.GET && ((Optional<?>) answer).isPresent()) {
            getHits.increment();
        }
        completed.increment();
    }

    private void recordFailure(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        failed.increment();
        firstError.compareAndSet(null, cause);
        if (cause instanceof KvsUnavailableException) {
            aborted = true;
        }
    }

    private static String randomValue(SplittableRandom random, int size) {
        StringBuilder sb = new StringBuilder(size);
        for (int i = 0; i < size; i++) {
            // ASCII letters, so the UTF-8 value is exactly `size` bytes.
            sb.append((char) ('a' + random.nextInt(26)));
        }
        return sb.toString();
    }

    /** Closes every connection this runner opened. */
    @Override
    public void close() {
        for (KvsConnection connection : connections) {
            connection.close();
        }
    }
}
