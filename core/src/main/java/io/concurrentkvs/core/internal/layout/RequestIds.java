package io.concurrentkvs.core.internal.layout;

/**
 * Request ids: {@code generation << 40 | sequence}, 62 bits in all so that a response ticket can carry
 * one ({@link ResponseSlotDescriptor#MAX_REQUEST_ID}).
 *
 * <p>The client-table generation in the upper bits makes ids unique across successive owners of the
 * same table entry: an answer to a dead client's request can never match a request of the entry's next
 * owner. 2^40 batch ids per registration is 61 hours at 5 million batches per second. A connection
 * whose dispatcher reaches {@link #MAX_SEQUENCE} stops sending on that registration; its poller then
 * handles it as a lost server: it fails what is in flight with {@code KvsUnavailableException},
 * unregisters, and registers again under a new generation (the connection itself stays usable).
 */
public final class RequestIds {
    public static final int SEQUENCE_BITS = 40;
    public static final long MAX_SEQUENCE = (1L << SEQUENCE_BITS) - 1;
    public static final long MAX_GENERATION = (1L << (62 - SEQUENCE_BITS)) - 1;

    private RequestIds() {}

    public static long of(long generation, long sequence) {
        return (generation << SEQUENCE_BITS) | sequence;
    }

    public static long generation(long requestId) {
        return requestId >>> SEQUENCE_BITS;
    }
}
