package io.concurrentkvs.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * Runs one {@link Scenario} against a {@link StoreClient} for a given time and measures it. The same code
 * drives every system, so differences are the systems', not the harness's.
 *
 * <p>Pipelined loops keep at most {@code inFlight} requests outstanding with a counter rather than a
 * semaphore: a sender that found the window full yields instead of parking, because on a 2-core machine
 * a park costs tens of microseconds of wake-up and the completing thread needs the core we would spin
 * on. Latency of a pipelined request is measured from just before it is sent to its completion, on the
 * completing thread, by a {@link PipelineWindow}.
 */
final class ScenarioLoop {
    /** Elements per batch stream; large enough that stream set-up is noise. */
    private static final int BATCH = 20_000;

    private final StoreClient store;
    private final KeySource keys;
    private final int keySpace;
    private final byte[] value;
    private final int inFlight;
    private final SplittableRandom random;

    ScenarioLoop(StoreClient store, KeySource keys, byte[] value, int inFlight, long seed) {
        this.store = store;
        this.keys = keys;
        this.keySpace = keys.size();
        this.value = value;
        this.inFlight = inFlight;
        this.random = new SplittableRandom(seed);
    }

    /** Runs {@code scenario} for {@code nanos}; the result's allocation and CPU fields are left 0 for the caller. */
    Measurement run(Scenario scenario, long nanos) {
        switch (scenario) {
            case SYNC_GET:
                return oneAtATime(nanos, 0);
            case SYNC_SET:
                return oneAtATime(nanos, 100);
            case ASYNC_GET:
            case ASYNC_GET_256:
                return pipelined(nanos, 0);
            case MIX:
                return store.supports(Scenario.ASYNC_GET) ? pipelined(nanos, 10) : oneAtATime(nanos, 10);
            case SET_ALL:
            case GET_ALL:
                return batches(scenario, nanos);
            default:
                throw new AssertionError(scenario);
        }
    }

    private Measurement oneAtATime(long nanos, int setPercent) {
        Histogram latency = Measurement.newHistogram();
        long errors = 0;
        long ops = 0;
        long start = System.nanoTime();
        long deadline = start + nanos;
        long now = start;
        while (now < deadline) {
            byte[] key = keys.key(random.nextInt(keySpace));
            boolean set = setPercent > 0 && random.nextInt(100) < setPercent;
            long t0 = System.nanoTime();
            if (set) {
                store.set(key, value);
            } else if (store.get(key) == null) {
                errors++; // every key was loaded: a miss means the load or the store is wrong
            }
            now = System.nanoTime();
            latency.recordValue(now - t0);
            ops++;
        }
        return new Measurement(ops, now - start, errors, 0, 0, latency);
    }

    private Measurement pipelined(long nanos, int setPercent) {
        PipelineWindow window = new PipelineWindow();
        long start = System.nanoTime();
        long deadline = start + nanos;
        while (System.nanoTime() < deadline) {
            if (window.outstanding() >= inFlight) {
                Thread.yield();
                continue;
            }
            byte[] key = keys.key(random.nextInt(keySpace));
            boolean set = setPercent > 0 && random.nextInt(100) < setPercent;
            window.sending();
            long t0 = System.nanoTime();
            window.track(set ? store.setAsync(key, value) : store.getAsync(key), t0);
        }
        // Count only what completed inside the window, but drain the rest before the next phase.
        long done = window.completed();
        long elapsed = System.nanoTime() - start;
        window.awaitDrained();
        return new Measurement(done, elapsed, window.errors(), 0, 0, window.latencies());
    }

    private Measurement batches(Scenario scenario, long nanos) {
        long ops = 0;
        long start = System.nanoTime();
        long deadline = start + nanos;
        int next = random.nextInt(keySpace);
        while (System.nanoTime() < deadline) {
            List<byte[]> batchKeys = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) {
                batchKeys.add(keys.key(next));
                next = next + 1 == keySpace ? 0 : next + 1;
            }
            if (scenario == Scenario.SET_ALL) {
                List<Map.Entry<byte[], byte[]>> entries = new ArrayList<>(BATCH);
                for (byte[] k : batchKeys) {
                    entries.add(Map.entry(k, value));
                }
                ops += store.setAll(entries, inFlight);
            } else {
                ops += store.getAll(batchKeys, inFlight);
            }
        }
        return new Measurement(ops, System.nanoTime() - start, 0, 0, 0, Measurement.newHistogram());
    }

    /**
     * Writes keys {@code from..keys.size()-1} once, pipelined, untimed (a blocking loop where nothing
     * pipelines).
     */
    static void load(StoreClient store, KeySource keys, int from, byte[] value, int inFlight) {
        if (!store.supports(Scenario.ASYNC_GET)) {
            for (int i = from; i < keys.size(); i++) {
                store.set(keys.key(i), value);
            }
            return;
        }
        PipelineWindow window = new PipelineWindow();
        for (int i = from; i < keys.size(); i++) {
            byte[] key = keys.key(i);
            while (window.outstanding() >= inFlight) {
                Thread.yield();
            }
            window.sending();
            window.track(store.setAsync(key, value), System.nanoTime());
        }
        window.awaitDrained();
        if (window.errors() > 0) {
            throw new IllegalStateException(window.errors() + " writes failed while loading");
        }
    }
}
