package io.concurrentkvs.core.internal.ring;

/**
 * Layout of the request ring: a two-block header followed by {@code capacity} fixed-size slots.
 *
 * <pre>
 *  ring + 0    +---------------------------------------------------------------+
 *              |                Producer index (64), monotonic                 |  own 128-byte block
 *  ring + 128  +---------------------------------------------------------------+
 *              |                Consumer index (64), monotonic                 |  own 128-byte block
 *  ring + 256  +---------------------------------------------------------------+
 *              |                slot[0] .. slot[capacity - 1]                  |  slotSize bytes each
 *              +---------------------------------------------------------------+
 *
 *  slot:
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 Sequence (64): the publish/consume word        |  0
 *  +---------------------------------------------------------------+
 *  |                 Claimed index (64): producer's claim, or stale |  8
 *  +---------------------------------------------------------------+
 *  |                 Request id (64)                                | 16
 *  +---------------------------------------------------------------+
 *  |                 Client index                                   | 24
 *  |                 Response slot                                  | 28
 *  |                 Opcode                                         | 32
 *  |                 Key length                                     | 36
 *  |                 Value length                                   | 40
 *  |                 Reserved (0)                                   | 44
 *  +---------------------------------------------------------------+
 *  |                 Key bytes, then value bytes ...                | 48
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * Slot {@code i} of lap {@code L} (ring index {@code n = L * capacity + i}) is free for the producer that
 * claims index {@code n} when its sequence equals {@code n}, holds a published request when it equals
 * {@code n + 1}, and becomes free for lap {@code L + 1} when the consumer stores {@code n + capacity}.
 */
public final class RequestRingDescriptor {
    public static final int PRODUCER_INDEX_OFFSET = 0;
    public static final int CONSUMER_INDEX_OFFSET = 128;
    public static final int HEADER_LENGTH = 256;

    public static final int SEQUENCE_OFFSET = 0;
    public static final int CLAIMED_INDEX_OFFSET = 8;
    public static final int REQUEST_ID_OFFSET = 16;
    public static final int CLIENT_INDEX_OFFSET = 24;
    public static final int RESPONSE_SLOT_OFFSET = 28;
    public static final int OPCODE_OFFSET = 32;
    public static final int KEY_LENGTH_OFFSET = 36;
    public static final int VALUE_LENGTH_OFFSET = 40;
    public static final int PAYLOAD_OFFSET = 48;

    /** Slot sizes are rounded up to this so that slots do not share cache lines. */
    public static final int SLOT_ALIGNMENT = 64;

    private RequestRingDescriptor() {}

    public static int slotSize(int maxKeyBytes, int maxValueBytes) {
        long raw = (long) PAYLOAD_OFFSET + maxKeyBytes + maxValueBytes;
        long aligned = (raw + SLOT_ALIGNMENT - 1) & -SLOT_ALIGNMENT;
        if (aligned > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("ring slot too large: " + aligned);
        }
        return (int) aligned;
    }

    public static long length(int capacity, int slotSize) {
        return HEADER_LENGTH + (long) capacity * slotSize;
    }
}
