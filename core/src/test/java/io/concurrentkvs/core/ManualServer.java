package io.concurrentkvs.core;

import static io.concurrentkvs.core.internal.ring.RequestRingDescriptor.*;

import io.concurrentkvs.core.internal.client.ResponseSlots;
import io.concurrentkvs.core.internal.region.Processes;
import io.concurrentkvs.core.internal.region.Region;
import io.concurrentkvs.core.internal.region.RegionGeometry;
import io.concurrentkvs.core.internal.region.RegionHeaderDescriptor;
import io.concurrentkvs.core.internal.region.ServerIdentity;
import io.concurrentkvs.core.internal.ring.RequestRing;
import io.concurrentkvs.core.internal.ring.RingConsumer;
import java.nio.file.Path;

/**
 * A region with no worker threads: the test plays the server, taking requests and answering them by
 * hand, at the moment it chooses. Lets tests produce timeouts and late answers deterministically.
 */
final class ManualServer implements AutoCloseable {
    final Region region;
    final RequestRing ring;
    final RingConsumer consumer;
    final ResponseSlots responses;

    ManualServer(Path path, int responseSlots) {
        RegionGeometry g = new RegionGeometry(64, 64, 64, 4, responseSlots, 60_000, 100);
        region = Region.create(path, g, Region.defaultPermissions(),
                new ServerIdentity(Processes.currentPid(), Processes.currentStartMillis(), System.nanoTime() | 1,
                        System.currentTimeMillis(), 0, 1));
        region.setState(RegionHeaderDescriptor.STATE_RUNNING);
        region.writeHeartbeat(System.currentTimeMillis());
        region.markReady();
        ring = new RequestRing(region.ring(), g.ringCapacity(), g.ringSlotSize());
        consumer = new RingConsumer(ring, Long.MAX_VALUE / 8, c -> true, System::nanoTime);
        responses = new ResponseSlots(region.responses(), g.clientCapacity(), g.responseSlotsPerClient(),
                g.responseSlotSize(), g.maxValueBytes());
    }

    /** Keeps the region's heartbeat fresh so clients do not declare this server dead. */
    void beat() {
        region.writeHeartbeat(System.nanoTime());
    }

    /** A request taken from the ring. */
    record Taken(long requestId, int client, int slot, int opcode) {}

    /** The next request, or null if none is published. */
    Taken take() {
        beat();
        long index = consumer.poll();
        if (index == RingConsumer.EMPTY) {
            return null;
        }
        long offset = ring.slotOffset(index);
        Taken taken = new Taken(ring.memory().getLong(offset + REQUEST_ID_OFFSET),
                ring.memory().getInt(offset + CLIENT_INDEX_OFFSET), ring.memory().getInt(offset + RESPONSE_SLOT_OFFSET),
                ring.memory().getInt(offset + OPCODE_OFFSET));
        ring.release(index);
        return taken;
    }

    /** Answers as a worker would; false if the client no longer waits for this request. */
    boolean answer(Taken t, int status, byte[] value) {
        if (!responses.beginAnswer(t.client(), t.slot(), t.requestId())) {
            return false;
        }
        responses.writeAnswer(t.client(), t.slot(), status, value);
        responses.publishAnswer(t.client(), t.slot(), t.requestId());
        return true;
    }

    void stop() {
        region.setState(RegionHeaderDescriptor.STATE_STOPPED);
    }

    @Override
    public void close() {
        Region.unlink(region.path());
    }
}
