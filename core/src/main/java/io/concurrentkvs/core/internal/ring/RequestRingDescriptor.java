package io.concurrentkvs.core.internal.ring;

/**
 * Layout of the request ring: a two-block header followed by {@code capacity} fixed-size slots, each
 * carrying one <em>batch</em> of requests from one client.
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
 *  slot (one batch):
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 Sequence (64): the publish/consume word        |  0
 *  +---------------------------------------------------------------+
 *  |                 Claimed index (64): producer's claim, or stale |  8
 *  +---------------------------------------------------------------+
 *  |                 Batch id (64): generation &lt;&lt; 40 | sequence     | 16
 *  +---------------------------------------------------------------+
 *  |                 Client index                                   | 24
 *  |                 First response slot of the batch's run         | 28
 *  |                 Request count (1 .. maxRequests)               | 32
 *  |                 Payload length: bytes of records from 48       | 36
 *  |                 Checksum: CRC32C of the batch, sealed for index n | 40
 *  |                 Reserved (0)                                   | 44
 *  +---------------------------------------------------------------+
 *  |                 Request records, back to back ...              | 48
 *  +---------------------------------------------------------------+
 *
 *  request record (8-byte aligned; the next record starts at roundUp8(12 + key + value)):
 *  +---------------------------------------------------------------+
 *  |                 Opcode                                         |  0
 *  |                 Key length                                     |  4
 *  |                 Value length (0 unless SET or POST)            |  8
 *  |                 Key bytes, then value bytes ...                | 12
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * Slot {@code i} of lap {@code L} (ring index {@code n = L * capacity + i}) is free for the producer that
 * claims index {@code n} when its sequence equals {@code n}, holds a published batch when it equals
 * {@code n + 1}, and becomes free for lap {@code L + 1} when the consumer stores {@code n + capacity}.
 * A batch is trusted only if its checksum, computed by the consumer over a private copy of the slot for the
 * index it took, matches; only that copy is parsed.
 * A slot is sized so that one request of the largest key and value always fits; smaller requests share
 * it, up to {@link #maxRequests(int)} of them.
 */
public final class RequestRingDescriptor {
    /** Offset of the producer index in the ring header. */
    public static final int PRODUCER_INDEX_OFFSET = 0;
    /** Offset of the consumer index in the ring header. */
    public static final int CONSUMER_INDEX_OFFSET = 128;
    /** Length of the ring header; slot 0 starts here. */
    public static final int HEADER_LENGTH = 256;

    /** The slot's publish/consume word. */
    public static final int SEQUENCE_OFFSET = 0;
    /** The ring index its producer claimed, written right after the claim. */
    public static final int CLAIMED_INDEX_OFFSET = 8;
    /** The batch id: the client-table generation in the high bits, a per-registration sequence below. */
    public static final int BATCH_ID_OFFSET = 16;
    /** The claimant's client-table index. */
    public static final int CLIENT_INDEX_OFFSET = 24;
    /** The first of the {@code request count} consecutive response slots the answers go to. */
    public static final int FIRST_RESPONSE_SLOT_OFFSET = 28;
    /** How many request records follow. */
    public static final int REQUEST_COUNT_OFFSET = 32;
    /** How many bytes of records follow the batch header. */
    public static final int PAYLOAD_LENGTH_OFFSET = 36;
    /**
     * The batch's CRC32C ({@link BatchFormat#seal}): over the ring index the producer claimed (8 bytes,
     * little-endian, in place of the claimed-index field), the header bytes {@code [16, 40)} and the
     * payload. A producer that was skipped and writes on into the next lap cannot make a batch that
     * passes for that lap's.
     */
    public static final int CHECKSUM_OFFSET = 40;
    /** Where the first request record starts. */
    public static final int PAYLOAD_OFFSET = 48;

    /** A record's opcode ({@link Opcodes}). */
    public static final int RECORD_OPCODE_OFFSET = 0;
    /** A record's key length. */
    public static final int RECORD_KEY_LENGTH_OFFSET = 4;
    /** A record's value length. */
    public static final int RECORD_VALUE_LENGTH_OFFSET = 8;
    /** Where a record's key bytes start; its value bytes follow the key. */
    public static final int RECORD_HEADER_LENGTH = 12;
    /** Records start on this alignment. */
    public static final int RECORD_ALIGNMENT = 8;
    /** The shortest record (an empty key and no value), after alignment. */
    public static final int MIN_RECORD_LENGTH = 16;

    /** Slot sizes are rounded up to this so that slots do not share cache lines. */
    public static final int SLOT_ALIGNMENT = 64;

    private RequestRingDescriptor() {}

    /** Bytes a record of {@code keyLength} and {@code valueLength} takes, alignment included. */
    public static int recordLength(int keyLength, int valueLength) {
        long raw = (long) RECORD_HEADER_LENGTH + keyLength + valueLength;
        long aligned = (raw + RECORD_ALIGNMENT - 1) & -RECORD_ALIGNMENT;
        if (aligned > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("request record too large: " + aligned);
        }
        return (int) aligned;
    }

    /** The slot size that fits a batch header and one request of the largest key and value. */
    public static int slotSize(int maxKeyBytes, int maxValueBytes) {
        long raw = (long) PAYLOAD_OFFSET + recordLength(maxKeyBytes, maxValueBytes);
        long aligned = (raw + SLOT_ALIGNMENT - 1) & -SLOT_ALIGNMENT;
        if (aligned > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("ring slot too large: " + aligned);
        }
        return (int) aligned;
    }

    /** Bytes available for records in a slot of {@code slotSize}. */
    public static int payloadCapacity(int slotSize) {
        return slotSize - PAYLOAD_OFFSET;
    }

    /** The most records a slot of {@code slotSize} can hold (all of the shortest length). */
    public static int maxRequests(int slotSize) {
        return payloadCapacity(slotSize) / MIN_RECORD_LENGTH;
    }

    public static long length(int capacity, int slotSize) {
        return HEADER_LENGTH + (long) capacity * slotSize;
    }
}
