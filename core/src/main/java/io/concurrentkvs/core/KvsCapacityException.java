package io.concurrentkvs.core;

/**
 * A write found the store full: the message names the limit that was reached ({@code maxEntries},
 * {@code maxDataBytes}, or a segment's share of the index) and how much of it is in use. The write was not
 * applied; the store and every other entry are unchanged, and the server keeps serving. Reads, deletes and
 * updates that need no more room still succeed.
 */
public class KvsCapacityException extends KvsException {
    private static final long serialVersionUID = 1L;

    public KvsCapacityException(String message) {
        super(message);
    }
}
