package io.concurrentkvs.core.internal.ring;

import static io.concurrentkvs.core.internal.ring.RequestRingDescriptor.*;

import io.concurrentkvs.core.internal.memory.Memory;
import java.util.zip.CRC32C;

/**
 * Writes the batch format of {@link RequestRingDescriptor} into a claimed ring slot: request records,
 * then the batch header, then the {@linkplain #seal seal}; and checks a copied batch against its seal.
 * The one codec of the format, for the client's dispatcher, the server's workers and tests and tools
 * that craft batches by hand. Stateless; callers pass their own scratch arrays, and own the slot.
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
    public static void putHeader(
            Memory m, long slot, long batchId, int client, int firstResponseSlot, int count, long recordsEnd) {
        m.putLong(slot + BATCH_ID_OFFSET, batchId);
        m.putInt(slot + CLIENT_INDEX_OFFSET, client);
        m.putInt(slot + FIRST_RESPONSE_SLOT_OFFSET, firstResponseSlot);
        m.putInt(slot + REQUEST_COUNT_OFFSET, count);
        m.putInt(slot + PAYLOAD_LENGTH_OFFSET, (int) (recordsEnd - slot - PAYLOAD_OFFSET));
    }

    /**
     * The number of payload bytes a seal covers: the header's payload length, clamped to the slot, so
     * that even a batch with a hostile length has a defined checksum.
     */
    public static int sealedPayload(int payloadLength, int slotSize) {
        return Math.max(0, Math.min(payloadLength, payloadCapacity(slotSize)));
    }

    /**
     * Seals the batch written in the slot at {@code slot} for ring index {@code index}: copies the slot
     * into {@code scratch} (at least the slot size), computes the checksum and writes it into the slot.
     * Called by the producer after writing the header, before publishing.
     */
    public static void seal(Memory m, long slot, long index, int slotSize, byte[] scratch, CRC32C crc) {
        int payload = sealedPayload(m.getInt(slot + PAYLOAD_LENGTH_OFFSET), slotSize);
        m.getBytes(slot + BATCH_ID_OFFSET, scratch, BATCH_ID_OFFSET, PAYLOAD_OFFSET - BATCH_ID_OFFSET + payload);
        m.putInt(slot + CHECKSUM_OFFSET, checksum(scratch, index, payload, crc));
    }

    /** As {@link #seal(Memory, long, long, int, byte[], CRC32C)}, with scratch of its own (for tools). */
    public static void seal(Memory m, long slot, long index, int slotSize) {
        seal(m, slot, index, slotSize, new byte[slotSize], new CRC32C());
    }

    /**
     * Copies the batch in the slot at {@code slot} into {@code copy} (at least the slot size) and checks
     * it against its seal for ring index {@code index}. Called by the consumer that took the index; on
     * true, {@code copy} holds the batch as its producer sealed it, at the slot's offsets, and only the
     * copy may be parsed: the slot itself can still change under a producer that was skipped.
     *
     * @return false if the seal does not match (a torn or forged batch), which must then be dropped
     */
    public static boolean copyIfSealed(Memory m, long slot, long index, int slotSize, byte[] copy, CRC32C crc) {
        int payload = sealedPayload(m.getInt(slot + PAYLOAD_LENGTH_OFFSET), slotSize);
        m.getBytes(slot + BATCH_ID_OFFSET, copy, BATCH_ID_OFFSET, PAYLOAD_OFFSET - BATCH_ID_OFFSET + payload);
        if (sealedPayload(intAt(copy, PAYLOAD_LENGTH_OFFSET), slotSize) != payload) {
            return false; // the length changed between the two reads
        }
        return intAt(copy, CHECKSUM_OFFSET) == checksum(copy, index, payload, crc);
    }

    /** The CRC32C over {@code index}, the header bytes [16, 40) and {@code payload} bytes of records. */
    private static int checksum(byte[] image, long index, int payload, CRC32C crc) {
        for (int i = 0; i < 8; i++) {
            image[CLAIMED_INDEX_OFFSET + i] = (byte) (index >>> (8 * i));
        }
        crc.reset();
        crc.update(image, CLAIMED_INDEX_OFFSET, CHECKSUM_OFFSET - CLAIMED_INDEX_OFFSET);
        crc.update(image, PAYLOAD_OFFSET, payload);
        return (int) crc.getValue();
    }

    /** The little-endian int at {@code at} of {@code bytes}, as {@link Memory} stores it. */
    public static int intAt(byte[] bytes, int at) {
        return (bytes[at] & 0xFF) | (bytes[at + 1] & 0xFF) << 8 | (bytes[at + 2] & 0xFF) << 16 | bytes[at + 3] << 24;
    }
}
