package io.concurrentkvs.core;

/**
 * A configured limit was reached; the message names it and how much of it is in use. Nothing was applied
 * and the server keeps serving. The limits:
 * <ul>
 *   <li>the store's, when a write finds it full ({@code maxEntries}, {@code maxDataBytes}, or a segment's
 *       share of the index): the write was not applied; the store and every other entry are unchanged.
 *       Reads and deletes always succeed. An update of an existing key needs no new entry but, since
 *       writes go out of place, a free block of its new size for a moment: when the data area is full it
 *       can fail too, and the old value stays;</li>
 *   <li>the server's client table ({@code maxClients}), when a connection cannot register: the connect
 *       (or, after a server restart, the re-attach) fails;</li>
 *   <li>the connection's {@code ConnectionOptions.maxWaitingRequests}, when more requests wait for a free
 *       response slot than it allows: the request is not sent.</li>
 * </ul>
 */
public class KvsCapacityException extends KvsException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the limit that was reached and how much of it is in use
     */
    public KvsCapacityException(String message) {
        super(message);
    }
}
