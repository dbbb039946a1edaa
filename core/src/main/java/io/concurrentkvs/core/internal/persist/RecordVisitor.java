package io.concurrentkvs.core.internal.persist;

/**
 * Receives the records of a log or the entries of a snapshot, in file order, on the reading thread. The
 * arrays are the reader's and are reused between calls: only {@code [0, keyLength)} and
 * {@code [0, valueLength)} are meaningful, and a visitor that keeps the bytes must copy them.
 */
interface RecordVisitor {
    /** A SET record, or a snapshot entry. */
    void set(byte[] key, int keyLength, byte[] value, int valueLength);

    /** A DEL record. */
    void del(byte[] key, int keyLength);
}
