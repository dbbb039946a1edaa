package io.concurrentkvs.core.internal.store;

/**
 * Where the store reports every write it applies, for a persistence log. Called by the writing thread inside
 * the segment's lock, after the write is published: so two writes of one key reach the journal in the order
 * they took effect, and a journal replayed in order rebuilds the store. A conditional write is reported only
 * if it changed something, and as the plain write it became (a POST that inserted is a SET).
 *
 * <p>While a live copy of a segment runs ({@link SharedStore#copyStart}), the segment also reports, as a
 * SET of its current value, an entry that a delete's backward shift moves from the part not yet copied into
 * the part already copied: the copy would miss it otherwise.
 *
 * <p>Implementations must be fast, must not block on I/O and must not throw: a failure of the journal is
 * its owner's to report. The arrays are the caller's, valid only during the call.
 */
public interface Journal {
    void set(byte[] key, int keyLength, byte[] value, int valueOffset, int valueLength);

    void del(byte[] key, int keyLength);
}
