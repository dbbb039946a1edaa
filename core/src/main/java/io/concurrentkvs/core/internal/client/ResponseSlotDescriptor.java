package io.concurrentkvs.core.internal.client;

/**
 * Layout of one response slot. Client {@code c} owns slots {@code c * slotsPerClient ...} of the
 * response area; no other client ever arms them.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |  Ticket (64): request id &lt;&lt; 2 | ticket state                   |  0  CAS / release only
 *  +---------------------------------------------------------------+
 *  |  Status                                                        |  8
 *  |  Value length                                                  | 12
 *  +---------------------------------------------------------------+
 *  |  Value bytes ...                                               | 16
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * Ticket states: FREE (0), ARMED (1: the client waits for this request id), WRITING (2: a worker won
 * the CAS from ARMED and is writing the answer), DONE (3: answer complete, published with release).
 * Only the worker that moved ARMED to WRITING for the same request id may write status and value; a
 * client that gives up moves ARMED to FREE by CAS, so a late worker finds nothing to write into.
 */
public final class ResponseSlotDescriptor {
    public static final int TICKET_OFFSET = 0;
    public static final int STATUS_OFFSET = 8;
    public static final int VALUE_LENGTH_OFFSET = 12;
    public static final int VALUE_OFFSET = 16;

    public static final int SLOT_ALIGNMENT = 64;

    public static final long TICKET_FREE = 0;
    public static final int TICKET_ARMED = 1;
    public static final int TICKET_WRITING = 2;
    public static final int TICKET_DONE = 3;

    /** Largest request id a ticket can carry (62 bits). */
    public static final long MAX_REQUEST_ID = (1L << 62) - 1;

    private ResponseSlotDescriptor() {}

    public static long ticket(long requestId, int ticketState) {
        return (requestId << 2) | ticketState;
    }

    public static int ticketState(long ticket) {
        return (int) (ticket & 3);
    }

    public static long ticketRequestId(long ticket) {
        return ticket >>> 2;
    }

    public static int slotSize(int maxValueBytes) {
        long raw = (long) VALUE_OFFSET + maxValueBytes;
        long aligned = (raw + SLOT_ALIGNMENT - 1) & -SLOT_ALIGNMENT;
        if (aligned > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("response slot too large: " + aligned);
        }
        return (int) aligned;
    }
}
