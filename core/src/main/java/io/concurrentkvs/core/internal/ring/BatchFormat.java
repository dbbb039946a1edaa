package io.concurrentkvs.core.internal.ring;

import static io.concurrentkvs.core.internal.ring.RequestRingDescriptor.*;

import io.concurrentkvs.core.internal.memory.Memory;

/**
 * Writes the batch format of {@link RequestRingDescriptor} into a claimed ring slot: request records,
 * then the batch header. The one encoder of the format, for the client's dispatcher and for tests and
 * tools that craft batches by hand. Stateless; the caller owns the slot it writes.
 */
public final class BatchFormat {
    private BatchFormat() {}

    /**
     * Writes one request record at {@code at} (the slot's {@link RequestRingDescriptor#PAYLOAD_OFFSET} or
     * the end of the previous record). The caller has checked that it fits the slot.
     *
     * @return where the next record starts
     */
    public static long putRecord(Memory m, long at, int opcode, byte[] key, byte[] value) {
        int keyLength = key.length;
        int valueLength = value == null ? 0 : value.length;
        m.putInt(at + RECORD_OPCODE_OFFSET, opcode);
        m.putInt(at + RECORD_KEY_LENGTH_OFFSET, keyLength);
        m.putInt(at + RECORD_VALUE_LENGTH_OFFSET, valueLength);
        m.putBytes(at + RECORD_HEADER_LENGTH, key, 0, keyLength);
        if (valueLength > 0) {
            m.putBytes(at + RECORD_HEADER_LENGTH + keyLength, value, 0, valueLength);
        }
        return at + RequestRingDescriptor.recordLength(keyLength, valueLength);
    }

    /** Writes the header of the batch in the slot at {@code slot} whose records end at {@code recordsEnd}. */
    public static void putHeader(Memory m, long slot, long batchId, int client, int firstResponseSlot, int count,
            long recordsEnd) {
        m.putLong(slot + BATCH_ID_OFFSET, batchId);
        m.putInt(slot + CLIENT_INDEX_OFFSET, client);
        m.putInt(slot + FIRST_RESPONSE_SLOT_OFFSET, firstResponseSlot);
        m.putInt(slot + REQUEST_COUNT_OFFSET, count);
        m.putInt(slot + PAYLOAD_LENGTH_OFFSET, (int) (recordsEnd - slot - PAYLOAD_OFFSET));
    }
}
