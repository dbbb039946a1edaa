package io.concurrentkvs.core.internal.server;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's map of byte keys to byte values, over a {@link ConcurrentHashMap}.
 *
 * <p>Why not the original's striped locks: the store benchmark (benchmarks module, {@code
 * StoreBenchmark}, numbers in docs/BENCHMARKS.md) served 2× the gets and 3.6× a 90/10 get/set mix with
 * two threads on a {@code ConcurrentHashMap}, which reads without locking and allocates nothing per get
 * beyond the lookup key. The server's {@code stripes} setting is kept (the original's API) as the map's
 * concurrency hint.
 *
 * <p>Values are stored as given and never modified afterwards, so readers may copy them out without
 * holding anything. Thread safety: all methods may be called from any thread.
 */
public final class ConcurrentStore {
    private final ConcurrentHashMap<ByteKey, byte[]> map;
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
        return map.get(new ByteKey(key));
    }

    /** Inserts or replaces. */
    public void set(byte[] key, byte[] value) {
        map.put(new ByteKey(key), value);
    }

    /** Inserts only if absent; true if inserted. */
    public boolean post(byte[] key, byte[] value) {
        return map.putIfAbsent(new ByteKey(key), value) == null;
    }

    /** Removes; true if the key was present. */
    public boolean del(byte[] key) {
        return map.remove(new ByteKey(key)) != null;
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
