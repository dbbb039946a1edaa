package io.concurrentkvs.bench.jmh;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A baseline for the store benchmark: the map of byte keys to byte values the server used up to 0.1, over
 * a {@link ConcurrentHashMap} on the Java heap (0.2 keeps the entries in shared memory instead).
 *
 * <p>Why not the original's striped locks: a {@code ConcurrentHashMap} reads without taking a lock, so
 * a worker preempted mid-get holds up nobody, and a get allocates nothing beyond the lookup key (which
 * escape analysis usually removes). The store benchmark (benchmarks module, {@code StoreBenchmark},
 * numbers in docs/BENCHMARKS.md) compares both. The server's {@code stripes} setting is kept (the
 * original's API) as the map's concurrency hint.
 *
 * <p>Keys of up to 16 bytes are kept inline in their map key ({@link StoreKey}): 24 bytes less per entry
 * for an 8-byte key than a wrapper around a key array (docs/BENCHMARKS.md, heap per entry).
 *
 * <p>Keys and values are stored as given (the caller hands them over and must not modify them), and a
 * stored value is never modified, so readers may copy it out without holding anything. Thread safety:
 * all methods may be called from any thread.
 */
public final class ConcurrentStore {
    private final ConcurrentHashMap<StoreKey, byte[]> map;
    private final int stripes;

    public ConcurrentStore(int stripes) {
        if (stripes < 1) {
            throw new IllegalArgumentException("stripes must be >= 1: " + stripes);
        }
        this.stripes = stripes;
        this.map = new ConcurrentHashMap<>(1024, 0.75f, stripes);
    }

    /** The value stored under {@code key}, or {@code null}. */
    public byte[] get(byte[] key) {
        return map.get(StoreKey.of(key));
    }

    byte[] get(StoreKey key) {
        return map.get(key);
    }

    /** Inserts or replaces. */
    public void set(byte[] key, byte[] value) {
        set(StoreKey.of(key), value);
    }

    void set(StoreKey key, byte[] value) {
        map.put(key, value);
    }

    /** Inserts only if absent; true if inserted. */
    public boolean post(byte[] key, byte[] value) {
        return post(StoreKey.of(key), value);
    }

    boolean post(StoreKey key, byte[] value) {
        return map.putIfAbsent(key, value) == null;
    }

    /** Removes; true if the key was present. */
    public boolean del(byte[] key) {
        return del(StoreKey.of(key));
    }

    boolean del(StoreKey key) {
        return map.remove(key) != null;
    }

    /** Number of entries; an estimate while operations run concurrently. */
    public long size() {
        return map.mappingCount();
    }

    /** The concurrency hint the store was created with. */
    public int stripes() {
        return stripes;
    }
}
