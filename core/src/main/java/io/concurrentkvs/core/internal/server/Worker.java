package io.concurrentkvs.core.internal.server;

import static io.concurrentkvs.core.internal.ring.RequestRingDescriptor.*;

import io.concurrentkvs.core.IdleStrategy;
import io.concurrentkvs.core.internal.client.ClientTable;
import io.concurrentkvs.core.internal.client.RequestIds;
import io.concurrentkvs.core.internal.client.ResponseSlots;
import io.concurrentkvs.core.internal.client.ResponseStatus;
import io.concurrentkvs.core.internal.memory.Memory;
import io.concurrentkvs.core.internal.region.Counters;
import io.concurrentkvs.core.internal.ring.Opcodes;
import io.concurrentkvs.core.internal.ring.RequestRing;
import io.concurrentkvs.core.internal.ring.RingConsumer;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server worker: takes requests from the ring, applies them to the store and answers into the
 * requesting client's response slot. Runs on its own thread until told to stop and the ring is drained.
 *
 * <p>Every field of a request is validated before use; a malformed request is counted and, when its
 * client and response slot are valid, answered with {@link ResponseStatus#MALFORMED}. No exception
 * escapes the loop: a worker survives whatever is written into the region.
 */
final class Worker implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

    private final RequestRing ring;
    private final RingConsumer consumer;
    private final ClientTable clients;
    private final ResponseSlots responses;
    private final ConcurrentStore store;
    private final int maxKeyBytes;
    private final int maxValueBytes;
    private final IdleStrategy.Idler idler;
    private final BooleanSupplier stopRequested;
    private final WorkerCounters counters = new WorkerCounters();

    Worker(RequestRing ring, RingConsumer consumer, ClientTable clients, ResponseSlots responses,
            ConcurrentStore store, int maxKeyBytes, int maxValueBytes, IdleStrategy idle, BooleanSupplier stopRequested) {
        this.ring = ring;
        this.consumer = consumer;
        this.clients = clients;
        this.responses = responses;
        this.store = store;
        this.maxKeyBytes = maxKeyBytes;
        this.maxValueBytes = maxValueBytes;
        this.idler = idle.newIdler();
        this.stopRequested = stopRequested;
    }

    WorkerCounters counters() {
        return counters;
    }

    @Override
    public void run() {
        long skippedReported = 0;
        long repairsReported = 0;
        while (true) {
            long index;
            try {
                index = consumer.poll();
            } catch (RuntimeException e) {
                LOG.warn("ring poll failed; continuing", e);
                index = RingConsumer.EMPTY;
            }
            if (consumer.skipped() != skippedReported) {
                counters.add(Counters.SKIPPED_SLOTS, consumer.skipped() - skippedReported);
                skippedReported = consumer.skipped();
            }
            if (consumer.repairs() != repairsReported) {
                counters.add(Counters.RING_REPAIRS, consumer.repairs() - repairsReported);
                repairsReported = consumer.repairs();
            }
            if (index == RingConsumer.EMPTY) {
                if (stopRequested.getAsBoolean() && ring.depth() == 0) {
                    return;
                }
                idler.idle();
                continue;
            }
            idler.reset();
            try {
                serve(index);
            } catch (RuntimeException e) {
                // Only a bug can get here (all input is validated); keep serving the others.
                counters.increment(Counters.MALFORMED_REQUESTS);
                LOG.warn("request at ring index {} failed", index, e);
            }
        }
    }

    private void serve(long index) {
        Memory m = ring.memory();
        long slot = ring.slotOffset(index);
        long requestId;
        int client;
        int responseSlot;
        int opcode;
        StoreKey key = null;
        byte[] value = null;
        boolean wellFormed;
        try {
            requestId = m.getLong(slot + REQUEST_ID_OFFSET);
            client = m.getInt(slot + CLIENT_INDEX_OFFSET);
            responseSlot = m.getInt(slot + RESPONSE_SLOT_OFFSET);
            opcode = m.getInt(slot + OPCODE_OFFSET);
            int keyLength = m.getInt(slot + KEY_LENGTH_OFFSET);
            int valueLength = m.getInt(slot + VALUE_LENGTH_OFFSET);
            wellFormed = Opcodes.isValid(opcode)
                    && keyLength >= 0 && keyLength <= maxKeyBytes
                    && valueLength >= 0 && valueLength <= maxValueBytes
                    && (valueLength == 0 || Opcodes.carriesValue(opcode));
            if (wellFormed) {
                key = StoreKey.read(m, slot + PAYLOAD_OFFSET, keyLength);
                if (Opcodes.carriesValue(opcode)) {
                    value = new byte[valueLength];
                    m.getBytes(slot + PAYLOAD_OFFSET + keyLength, value, 0, valueLength);
                }
            }
        } finally {
            // Copied out (or rejected): hand the slot to the next lap before doing the work.
            ring.release(index);
        }
        if (!responses.isValid(client, responseSlot)
                || !clients.isActive(client, RequestIds.generation(requestId))) {
            counters.increment(wellFormed ? Counters.STALE_ANSWERS : Counters.MALFORMED_REQUESTS);
            return;
        }
        if (!wellFormed) {
            counters.increment(Counters.MALFORMED_REQUESTS);
            answer(client, responseSlot, requestId, ResponseStatus.MALFORMED, null);
            return;
        }
        switch (opcode) {
            case Opcodes.GET: {
                counters.increment(Counters.GETS);
                byte[] found = store.get(key);
                if (found != null) {
                    counters.increment(Counters.GET_HITS);
                    answer(client, responseSlot, requestId, ResponseStatus.FOUND, found);
                } else {
                    answer(client, responseSlot, requestId, ResponseStatus.ABSENT, null);
                }
                break;
            }
            case Opcodes.SET:
                counters.increment(Counters.SETS);
                store.set(key, value);
                answer(client, responseSlot, requestId, ResponseStatus.TRUE, null);
                break;
            case Opcodes.POST: {
                counters.increment(Counters.POSTS);
                boolean inserted = store.post(key, value);
                if (!inserted) {
                    counters.increment(Counters.POST_REJECTED);
                }
                answer(client, responseSlot, requestId, inserted ? ResponseStatus.TRUE : ResponseStatus.FALSE, null);
                break;
            }
            case Opcodes.DEL: {
                counters.increment(Counters.DELS);
                boolean removed = store.del(key);
                if (removed) {
                    counters.increment(Counters.DEL_HITS);
                }
                answer(client, responseSlot, requestId, removed ? ResponseStatus.TRUE : ResponseStatus.FALSE, null);
                break;
            }
            default:
                throw new IllegalStateException("validated opcode " + opcode);
        }
    }

    private void answer(int client, int slot, long requestId, int status, byte[] value) {
        if (responses.beginAnswer(client, slot, requestId)) {
            responses.writeAnswer(client, slot, status, value);
            responses.publishAnswer(client, slot, requestId);
        } else {
            counters.increment(Counters.STALE_ANSWERS);
        }
    }
}
