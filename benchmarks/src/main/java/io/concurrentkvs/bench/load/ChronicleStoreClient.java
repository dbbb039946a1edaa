package io.concurrentkvs.bench.load;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import net.openhft.chronicle.map.ChronicleMap;

/**
 * Chronicle Map opened from a file another process created and populated: every call is a direct access
 * to the shared mapping under the map's own cross-process segment locks, with no server in between. So
 * it has nothing to pipeline and no asynchronous or reactive view.
 */
final class ChronicleStoreClient implements StoreClient {
    private final ChronicleMap<byte[], byte[]> map;

    ChronicleStoreClient(File file, long entries) {
        this.map = open(file, entries);
    }

    /** Creates the map file, or opens it if it exists (then the file's own configuration wins). */
    static ChronicleMap<byte[], byte[]> open(File file, long entries) {
        try {
            return ChronicleMap.of(byte[].class, byte[].class)
                    .name("kvs-bench")
                    .entries(Math.max(1_000, entries + entries / 10))
                    .averageKeySize(12)
                    .averageValueSize(Keys.VALUE_BYTES)
                    .createPersistedTo(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public byte[] get(byte[] key) {
        return map.get(key);
    }

    @Override
    public void set(byte[] key, byte[] value) {
        map.put(key, value);
    }

    @Override
    public CompletionStage<?> getAsync(byte[] key) {
        throw new UnsupportedOperationException("Chronicle Map is accessed directly; nothing to pipeline");
    }

    @Override
    public CompletionStage<?> setAsync(byte[] key, byte[] value) {
        throw new UnsupportedOperationException("Chronicle Map is accessed directly; nothing to pipeline");
    }

    @Override
    public long setAll(List<Map.Entry<byte[], byte[]>> entries, int window) {
        throw new UnsupportedOperationException("Chronicle Map has no reactive view");
    }

    @Override
    public long getAll(List<byte[]> keys, int window) {
        throw new UnsupportedOperationException("Chronicle Map has no reactive view");
    }

    @Override
    public boolean supports(Scenario scenario) {
        return scenario == Scenario.SYNC_GET || scenario == Scenario.SYNC_SET || scenario == Scenario.MIX;
    }

    @Override
    public void close() {
        map.close();
    }
}
