package io.concurrentkvs.core;

import static io.concurrentkvs.core.internal.ring.RequestRingDescriptor.*;

import io.concurrentkvs.core.internal.layout.AnswerSeal;
import io.concurrentkvs.core.internal.layout.ResponseSlots;
import io.concurrentkvs.core.internal.memory.Memory;
import io.concurrentkvs.core.internal.region.Processes;
import io.concurrentkvs.core.internal.region.Region;
import io.concurrentkvs.core.internal.region.RegionGeometry;
import io.concurrentkvs.core.internal.region.RegionHeaderDescriptor;
import io.concurrentkvs.core.internal.region.ServerIdentity;
import io.concurrentkvs.core.internal.ring.RequestRing;
import io.concurrentkvs.core.internal.ring.RingConsumer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
        region = Region.create(
                path,
                g,
                Region.defaultPermissions(),
                new ServerIdentity(
                        Processes.currentPid(),
                        Processes.currentStartMillis(),
                        System.nanoTime() | 1,
                        System.currentTimeMillis(),
                        0,
                        1));
        region.setState(RegionHeaderDescriptor.STATE_RUNNING);
        region.writeHeartbeat(System.currentTimeMillis());
        region.markReady();
        ring = region.ring();
        consumer = new RingConsumer(ring, Long.MAX_VALUE / 8, c -> true, System::nanoTime);
        responses = region.responseSlots();
    }

    /** Keeps the region's heartbeat fresh so clients do not declare this server dead. */
    void beat() {
        region.writeHeartbeat(System.nanoTime());
    }

    /** A batch taken from the ring: its id, client, run of response slots, and its requests' opcodes. */
    record Taken(long batchId, int client, int first, int count, List<Integer> opcodes) {}

    /** The next batch, or null if none is published. */
    Taken take() {
        beat();
        long index = consumer.poll();
        if (index == RingConsumer.EMPTY) {
            return null;
        }
        Memory m = ring.memory();
        long slot = ring.slotOffset(index);
        int count = m.getInt(slot + REQUEST_COUNT_OFFSET);
        List<Integer> opcodes = new ArrayList<>();
        long at = slot + PAYLOAD_OFFSET;
        for (int i = 0; i < count; i++) {
            opcodes.add(m.getInt(at + RECORD_OPCODE_OFFSET));
            at += recordLength(m.getInt(at + RECORD_KEY_LENGTH_OFFSET), m.getInt(at + RECORD_VALUE_LENGTH_OFFSET));
        }
        Taken taken = new Taken(
                m.getLong(slot + BATCH_ID_OFFSET),
                m.getInt(slot + CLIENT_INDEX_OFFSET),
                m.getInt(slot + FIRST_RESPONSE_SLOT_OFFSET),
                count,
                List.copyOf(opcodes));
        ring.release(index);
        return taken;
    }

    /** Answers every request of the batch with {@code status} as a worker would; false if the client no longer waits. */
    boolean answer(Taken t, int status, byte[] value) {
        AnswerSeal seal = new AnswerSeal();
        if (!responses.beginAnswer(t.client(), t.first(), t.batchId(), seal)) {
            return false;
        }
        long at = responses.firstAnswer(t.client(), t.first());
        for (int i = 0; i < t.count(); i++) {
            at = responses.putAnswer(t.client(), t.first(), t.count(), at, status, value, seal);
        }
        return responses.publishAnswers(t.client(), t.first(), t.batchId(), t.count(), at, seal);
    }

    void stop() {
        region.setState(RegionHeaderDescriptor.STATE_STOPPED);
    }

    @Override
    public void close() {
        Region.unlink(region.path());
    }
}
