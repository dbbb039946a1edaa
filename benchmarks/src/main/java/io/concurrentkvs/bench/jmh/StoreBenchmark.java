package io.concurrentkvs.bench.jmh;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The server's map choice: {@link StripedLockStore} (hash maps behind 16 locks, the C++ original's
 * design) against the server's {@link ConcurrentStore} (a {@link ConcurrentHashMap} whose keys of up to
 * 16 bytes are inline in the key object), both 90% get / 10% set over 100k entries of 12-byte keys and
 * 100-byte values. The {@code separate} variant is the store's previous layout, a
 * {@code ConcurrentHashMap<ByteKey, byte[]>} (a wrapper and a key array per entry). Two threads by default (the server's worker count on this machine is 1, but a
 * 4-core host gets 2 and more): override with {@code -t 1} or {@code -t 4}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(2)
@State(Scope.Benchmark)
public class StoreBenchmark {
    static final int KEYS = 100_000;

    @Param({"16"})
    public int stripes;

    StripedLockStore striped;
    ConcurrentStore store;
    ConcurrentHashMap<ByteKey, byte[]> separate;
    byte[][] keys;
    final byte[] value = new byte[100];

    @Setup(Level.Trial)
    public void setUp() {
        striped = new StripedLockStore(stripes);
        store = new ConcurrentStore(stripes);
        separate = new ConcurrentHashMap<>(1024, 0.75f, stripes);
        keys = new byte[KEYS][];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = String.format("kxx%09d", i).getBytes(StandardCharsets.US_ASCII);
            striped.set(keys[i], value);
            store.set(keys[i], value);
            separate.put(new ByteKey(keys[i]), value);
        }
    }

    /** Each thread's own random stream. */
    @State(Scope.Thread)
    public static class Rnd {
        final SplittableRandom random = new SplittableRandom(Thread.currentThread().getId());
    }

    @Benchmark
    public Object stripedMix(Rnd r) {
        byte[] key = keys[r.random.nextInt(KEYS)];
        if (r.random.nextInt(10) == 0) {
            // The server copies the value out of shared memory: a set stores a fresh array.
            striped.set(key.clone(), value.clone());
            return key;
        }
        return striped.get(key);
    }

    @Benchmark
    public Object storeMix(Rnd r) {
        byte[] key = keys[r.random.nextInt(KEYS)];
        if (r.random.nextInt(10) == 0) {
            store.set(key.clone(), value.clone());
            return key;
        }
        return store.get(key);
    }

    @Benchmark
    public Object separateMix(Rnd r) {
        byte[] key = keys[r.random.nextInt(KEYS)];
        if (r.random.nextInt(10) == 0) {
            separate.put(new ByteKey(key.clone()), value.clone());
            return key;
        }
        return separate.get(new ByteKey(key));
    }

    @Benchmark
    public Object storeSet(Rnd r) {
        byte[] key = keys[r.random.nextInt(KEYS)];
        store.set(key.clone(), value.clone());
        return key;
    }

    @Benchmark
    public Object separateSet(Rnd r) {
        byte[] key = keys[r.random.nextInt(KEYS)];
        separate.put(new ByteKey(key.clone()), value.clone());
        return key;
    }

    @Benchmark
    public Object separateGet(Rnd r) {
        return separate.get(new ByteKey(keys[r.random.nextInt(KEYS)]));
    }

    @Benchmark
    public Object stripedGet(Rnd r) {
        return striped.get(keys[r.random.nextInt(KEYS)]);
    }

    @Benchmark
    public Object storeGet(Rnd r) {
        return store.get(keys[r.random.nextInt(KEYS)]);
    }
}
