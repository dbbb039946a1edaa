package io.concurrentkvs.bench.load;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * No store at all: every call answers at once, in the calling thread, with a fixed value. Run through
 * the same loops as the real systems, it measures the load generator's own work per request (picking a
 * key, a future and its callback, two clock reads, the counters, the latency recorder) on one thread:
 * the ceiling of any system measured by this harness from one client thread.
 */
final class InstantStoreClient implements StoreClient {
    private final byte[] value = Keys.value(1);
    private final CompletableFuture<Boolean> stored = CompletableFuture.completedFuture(true);

    @Override
    public byte[] get(byte[] key) {
        return value;
    }

    @Override
    public void set(byte[] key, byte[] value) {
        // nothing to store
    }

    @Override
    public CompletionStage<?> getAsync(byte[] key) {
        // A new future per call, as every real client returns one.
        return CompletableFuture.completedFuture(value);
    }

    @Override
    public CompletionStage<?> setAsync(byte[] key, byte[] value) {
        return stored;
    }

    @Override
    public long setAll(List<Map.Entry<byte[], byte[]>> entries, int window) {
        throw new UnsupportedOperationException("no streams without a store");
    }

    @Override
    public long getAll(List<byte[]> keys, int window) {
        throw new UnsupportedOperationException("no streams without a store");
    }

    @Override
    public boolean supports(Scenario scenario) {
        return scenario == Scenario.SYNC_GET || scenario == Scenario.ASYNC_GET;
    }

    @Override
    public void close() {
        // nothing to release
    }
}
