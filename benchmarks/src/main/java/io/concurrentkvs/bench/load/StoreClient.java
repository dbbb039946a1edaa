package io.concurrentkvs.bench.load;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * One system under test as seen by a client process: the same calls for Concurrent-KVS, Redis through
 * Lettuce and Chronicle Map, so that one loop measures all three. Byte arrays in and out everywhere, so
 * no system pays for a codec the others skip.
 *
 * <p>Optional capabilities throw {@link UnsupportedOperationException} (Chronicle Map has no server, so
 * nothing to pipeline against); {@link #supports} says which are there.
 */
interface StoreClient extends AutoCloseable {
    /** A blocking read; null if absent. */
    byte[] get(byte[] key);

    /** A blocking insert-or-update. */
    void set(byte[] key, byte[] value);

    /** An asynchronous read: completes with the answer. */
    CompletionStage<?> getAsync(byte[] key);

    /** An asynchronous insert-or-update. */
    CompletionStage<?> setAsync(byte[] key, byte[] value);

    /** Writes every entry with at most {@code window} in flight; returns when all are acknowledged. */
    long setAll(List<Map.Entry<byte[], byte[]>> entries, int window);

    /** Reads every key with at most {@code window} in flight, answers in order; returns the count. */
    long getAll(List<byte[]> keys, int window);

    /** Whether this system can run {@code scenario}. */
    boolean supports(Scenario scenario);

    @Override
    void close();
}
