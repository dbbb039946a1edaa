package io.concurrentkvs.core;

import static io.concurrentkvs.core.internal.ring.RequestRingDescriptor.*;

import io.concurrentkvs.core.internal.memory.Memory;
import io.concurrentkvs.core.internal.region.Region;
import io.concurrentkvs.core.internal.ring.BatchFormat;
import io.concurrentkvs.core.internal.ring.Opcodes;
import io.concurrentkvs.core.internal.ring.RequestRing;

/** Publishes hand-crafted (usually malformed) batches into a region's ring, as a buggy client would. */
final class HostileWriter {
    private final RequestRing ring;

    HostileWriter(Region region) {
        this.ring = region.ring();
    }

    /** Publishes a batch of one request whose record claims the given lengths, with no bytes behind them. */
    void publish(int opcode, int client, int responseSlot, int keyLength, int valueLength) {
        long index = claim(client);
        Memory m = ring.memory();
        long slot = ring.slotOffset(index);
        long record = slot + PAYLOAD_OFFSET;
        m.putInt(record + RECORD_OPCODE_OFFSET, opcode);
        m.putInt(record + RECORD_KEY_LENGTH_OFFSET, keyLength);
        m.putInt(record + RECORD_VALUE_LENGTH_OFFSET, valueLength);
        BatchFormat.putHeader(m, slot, 1, client, responseSlot, 1, record + MIN_RECORD_LENGTH);
        BatchFormat.seal(m, slot, index, ring.slotSize());
        ring.publish(index);
    }

    /** Publishes a batch header of {@code count} requests and {@code payloadLength} bytes of zeroed records. */
    void publishHeader(int client, int firstSlot, int count, int payloadLength) {
        long index = claim(client);
        Memory m = ring.memory();
        long slot = ring.slotOffset(index);
        m.setMemory(slot + PAYLOAD_OFFSET, ring.slotSize() - PAYLOAD_OFFSET, (byte) 0);
        BatchFormat.putHeader(m, slot, 1, client, firstSlot, count, slot + PAYLOAD_OFFSET + payloadLength);
        BatchFormat.seal(m, slot, index, ring.slotSize());
        ring.publish(index);
    }

    /**
     * Publishes a well-formed batch of one request whose seal was computed for another ring index, as a
     * producer that resumed after its slot was skipped leaves it.
     */
    void publishMisSealed(int client, int responseSlot) {
        long index = claim(client);
        Memory m = ring.memory();
        long slot = ring.slotOffset(index);
        long record = slot + PAYLOAD_OFFSET;
        m.putInt(record + RECORD_OPCODE_OFFSET, Opcodes.GET);
        m.putInt(record + RECORD_KEY_LENGTH_OFFSET, 0);
        m.putInt(record + RECORD_VALUE_LENGTH_OFFSET, 0);
        BatchFormat.putHeader(m, slot, 1, client, responseSlot, 1, record + MIN_RECORD_LENGTH);
        BatchFormat.seal(m, slot, index + ring.capacity(), ring.slotSize());
        ring.publish(index);
    }

    private long claim(int client) {
        long index;
        do {
            index = ring.claim(client);
        } while (index == RequestRing.FULL);
        return index;
    }
}
