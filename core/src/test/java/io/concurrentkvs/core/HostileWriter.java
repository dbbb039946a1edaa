package io.concurrentkvs.core;

import static io.concurrentkvs.core.internal.ring.RequestRingDescriptor.*;

import io.concurrentkvs.core.internal.region.Region;
import io.concurrentkvs.core.internal.ring.RequestRing;

/** Publishes hand-crafted (usually malformed) requests into a region's ring, as a buggy client would. */
final class HostileWriter {
    private final RequestRing ring;

    HostileWriter(Region region) {
        this.ring = new RequestRing(region.ring(), region.geometry().ringCapacity(), region.geometry().ringSlotSize());
    }

    void publish(int opcode, int client, int responseSlot, int keyLength, int valueLength) {
        long index;
        do {
            index = ring.claim(client);
        } while (index == RequestRing.FULL);
        long slot = ring.slotOffset(index);
        ring.memory().putLong(slot + REQUEST_ID_OFFSET, 1);
        ring.memory().putInt(slot + RESPONSE_SLOT_OFFSET, responseSlot);
        ring.memory().putInt(slot + CLIENT_INDEX_OFFSET, client);
        ring.memory().putInt(slot + OPCODE_OFFSET, opcode);
        ring.memory().putInt(slot + KEY_LENGTH_OFFSET, keyLength);
        ring.memory().putInt(slot + VALUE_LENGTH_OFFSET, valueLength);
        ring.publish(index);
    }
}
