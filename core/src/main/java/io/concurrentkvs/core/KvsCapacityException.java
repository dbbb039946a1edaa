package io.concurrentkvs.core;

/**
 * A write found the store full: the message names the limit that was reached ({@code maxEntries},
 * {@code maxDataBytes}, or a segment's share of the index) and how much of it is in use. The write was not
 * applied; the store and every other entry are unchanged, and the server keeps serving. Reads and deletes
 * always succeed. An update of an existing key needs no new entry but, since writes go out of place, a
 * free block of its new size for a moment: when the data area is full it can fail too, and the old value
 * stays.
 */
public class KvsCapacityException extends KvsException {
    private static final long serialVersionUID = 1L;

    public KvsCapacityException(String message) {
        super(message);
    }
}
