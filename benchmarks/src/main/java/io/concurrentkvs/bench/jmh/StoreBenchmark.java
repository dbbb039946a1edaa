package io.concurrentkvs.bench.jmh;

import io.concurrentkvs.bench.load.Keys;
import io.concurrentkvs.core.KvsServer;
import io.concurrentkvs.core.internal.store.SharedStore;
import io.concurrentkvs.core.internal.store.StoreFile;
import io.concurrentkvs.core.internal.store.StoreGeometry;
import io.concurrentkvs.core.internal.store.StoreLayout;
import io.concurrentkvs.core.internal.store.StoreMemory;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The server's store against its baselines, in one process: {@code shared} is the {@link SharedStore} the
 * server uses since 0.2 (off heap, in a file under {@code /dev/shm} opened with {@link StoreFile}, the
 * server's default geometry), {@code chm} the 0.1 heap store ({@link ConcurrentStore}, a
 * {@code ConcurrentHashMap} with inline keys), {@code striped} the C++ original's design
 * ({@link StripedLockStore}). Gets, sets and a 90/10 get/set mix over 100,000 entries of the load
 * generator's 8-16-byte keys ({@link Keys}, style {@code var}) and 100-byte values, keys drawn uniformly.
 *
 * <p><b>What each variant is charged for</b> is what the server's worker does around the store call, so the
 * comparison is of the path a request takes, not of the bare calls:
 * <ul>
 *   <li>get: {@code shared} copies the value into the worker's buffer ({@code get(key, keyLength, out)});
 *       the heap stores return their stored array, which the 0.1 worker then copied into the response slot,
 *       so their get here copies it into the same kind of buffer ({@link Scratch#out}). In both servers the
 *       answer is then copied once more into the response slot; that copy is left out of all three.
 *   <li>set: {@code shared} copies the key and value out of the request into the worker's buffers, then
 *       into the store; the heap stores copy the value into a fresh array (0.1 built the inline map key
 *       straight from the request, so {@code chm} takes the key array as is; {@code striped} keeps the key
 *       array in its map key, so it gets a fresh copy too).
 * </ul>
 *
 * <p>Run each store in its own fork ({@code @Fork(1)} with the {@code store} parameter does that), so the
 * call site sees one implementation. Threads: {@code -t 1} and {@code -t 2} (the server runs one worker on
 * 2 cores, two and more on larger hosts). The store file is deleted in {@link #tearDown}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(2)
@State(Scope.Benchmark)
public class StoreBenchmark {
    /** Entries, all loaded before measuring; each operation picks one uniformly. */
    @Param({"100000"})
    public int keys;

    /** {@code shared-heap}: the same table over a Java array ({@link StoreMemory#onHeap}), not a mapped file. */
    @Param({"shared", "chm", "striped"})
    public String store;

    /** Segments of {@code shared}, the concurrency hint of {@code chm}, locks of {@code striped}. */
    @Param({"" + KvsServer.DEFAULT_STRIPES})
    public int stripes;

    /** {@code shared} only: the entry limit, which sizes its index (the server's default: 1,048,576). */
    @Param({"" + KvsServer.DEFAULT_MAX_ENTRIES})
    public long maxEntries;

    /** {@code shared} only: the data area (the server's default: 256 MiB; 10 M entries need about 1.5 GB). */
    @Param({"" + KvsServer.DEFAULT_MAX_DATA_BYTES})
    public long maxDataBytes;

    Variant variant;
    byte[][] keyTable;
    final byte[] value = Keys.value(7);
    private Path file;
    private StoreFile storeFile;

    @Setup(Level.Trial)
    public void setUp() {
        keyTable = Keys.build("var", keys);
        switch (store) {
            case "shared":
                // Unique per fork: two benchmark runs side by side never share a file.
                file = Path.of(
                        "/dev/shm",
                        "kvs-bench-jmh-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".store");
                storeFile = StoreFile.open(file, geometry(), true, PosixFilePermissions.fromString("rw-------"));
                try {
                    variant = new Shared(SharedStore.format(
                            "jmh",
                            storeFile.memory(),
                            42,
                            System.currentTimeMillis(),
                            ProcessHandle.current().pid()));
                } catch (RuntimeException e) {
                    tearDown();
                    throw e;
                }
                break;
            case "shared-heap":
                variant = new Shared(SharedStore.format("jmh", StoreMemory.onHeap(geometry()), 42, 0, 0));
                break;
            case "chm":
                variant = new Chm(new ConcurrentStore(stripes));
                break;
            case "striped":
                variant = new Striped(new StripedLockStore(stripes));
                break;
            default:
                throw new IllegalArgumentException("store must be shared, shared-heap, chm or striped: " + store);
        }
        Scratch scratch = new Scratch();
        for (byte[] key : keyTable) {
            variant.set(key, value, scratch);
        }
    }

    /** The server's default store geometry, but for {@link #stripes}, {@link #maxEntries} and {@link #maxDataBytes}. */
    private StoreGeometry geometry() {
        return new StoreGeometry(
                stripes,
                maxEntries,
                maxDataBytes,
                StoreLayout.recordLength(KvsServer.DEFAULT_MAX_KEY_BYTES, KvsServer.DEFAULT_MAX_VALUE_BYTES));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (storeFile != null) {
            storeFile.close();
            StoreFile.delete(file);
            storeFile = null;
        }
    }

    /** Each thread's random stream and the worker's buffers. */
    @State(Scope.Thread)
    public static class Scratch {
        final SplittableRandom random =
                new SplittableRandom(Thread.currentThread().getId());
        /** The worker's key buffer (the server's largest key). */
        final byte[] key = new byte[KvsServer.DEFAULT_MAX_KEY_BYTES];
        /** The worker's value buffer: where a get's answer lands before the response slot. */
        final byte[] out = new byte[KvsServer.DEFAULT_MAX_VALUE_BYTES + KvsServer.DEFAULT_MAX_KEY_BYTES];
        /** The worker's copy of a set's value. */
        final byte[] in = new byte[KvsServer.DEFAULT_MAX_VALUE_BYTES];
    }

    @Benchmark
    public int get(Scratch s) {
        return variant.get(keyTable[s.random.nextInt(keys)], s);
    }

    @Benchmark
    public int set(Scratch s) {
        byte[] key = keyTable[s.random.nextInt(keys)];
        variant.set(key, value, s);
        return key.length;
    }

    @Benchmark
    public int mix(Scratch s) {
        byte[] key = keyTable[s.random.nextInt(keys)];
        if (s.random.nextInt(10) == 0) {
            variant.set(key, value, s);
            return key.length;
        }
        return variant.get(key, s);
    }

    /** One store as the worker drives it. Implementations: any thread. */
    interface Variant {
        /** Looks {@code key} up and leaves its value in {@code s.out}; the value's length, or -1. */
        int get(byte[] key, Scratch s);

        void set(byte[] key, byte[] value, Scratch s);
    }

    static final class Shared implements Variant {
        private final SharedStore store;

        Shared(SharedStore store) {
            this.store = store;
        }

        @Override
        public int get(byte[] key, Scratch s) {
            System.arraycopy(key, 0, s.key, 0, key.length); // the worker copies the key out of the ring
            return store.get(s.key, key.length, s.out);
        }

        @Override
        public void set(byte[] key, byte[] value, Scratch s) {
            System.arraycopy(key, 0, s.key, 0, key.length);
            System.arraycopy(value, 0, s.in, 0, value.length);
            store.set(s.key, key.length, s.in, 0, value.length);
        }
    }

    static final class Chm implements Variant {
        private final ConcurrentStore store;

        Chm(ConcurrentStore store) {
            this.store = store;
        }

        @Override
        public int get(byte[] key, Scratch s) {
            byte[] found = store.get(key);
            if (found == null) {
                return -1;
            }
            System.arraycopy(found, 0, s.out, 0, found.length);
            return found.length;
        }

        @Override
        public void set(byte[] key, byte[] value, Scratch s) {
            store.set(key, value.clone());
        }
    }

    static final class Striped implements Variant {
        private final StripedLockStore store;

        Striped(StripedLockStore store) {
            this.store = store;
        }

        @Override
        public int get(byte[] key, Scratch s) {
            byte[] found = store.get(key);
            if (found == null) {
                return -1;
            }
            System.arraycopy(found, 0, s.out, 0, found.length);
            return found.length;
        }

        @Override
        public void set(byte[] key, byte[] value, Scratch s) {
            store.set(key.clone(), value.clone());
        }
    }
}
