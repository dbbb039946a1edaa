package io.concurrentkvs.core.internal.store;

/**
 * Receives the entries of a live copy of the store ({@link SharedStore#copyChunk}). Called inside a
 * segment's lock, so it must only copy the bytes somewhere and return: the arrays are the segment's own and
 * are reused for the next entry.
 */
@FunctionalInterface
public interface EntrySink {
    void entry(byte[] key, int keyLength, byte[] value, int valueLength);
}
