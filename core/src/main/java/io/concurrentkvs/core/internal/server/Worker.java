package io.concurrentkvs.core.internal.server;

import static io.concurrentkvs.core.internal.ring.RequestRingDescriptor.*;

import io.concurrentkvs.core.IdleStrategy;
import io.concurrentkvs.core.KvsCapacityException;
import io.concurrentkvs.core.internal.layout.AnswerSeal;
import io.concurrentkvs.core.internal.layout.ClientTable;
import io.concurrentkvs.core.internal.layout.RequestIds;
import io.concurrentkvs.core.internal.layout.ResponseSlots;
import io.concurrentkvs.core.internal.layout.ResponseStatus;
import io.concurrentkvs.core.internal.memory.MappedFiles;
import io.concurrentkvs.core.internal.memory.Memory;
import io.concurrentkvs.core.internal.persist.LogWriter;
import io.concurrentkvs.core.internal.region.Counters;
import io.concurrentkvs.core.internal.ring.BatchFormat;
import io.concurrentkvs.core.internal.ring.Opcodes;
import io.concurrentkvs.core.internal.ring.RequestRing;
import io.concurrentkvs.core.internal.ring.RequestRingDescriptor;
import io.concurrentkvs.core.internal.ring.RingConsumer;
import io.concurrentkvs.core.internal.store.SharedStore;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server worker: takes batches from the ring, applies their requests to the store in order and
 * answers them into the requesting client's run of response slots. Runs on its own thread until told
 * to stop and the ring is drained.
 *
 * <p>A batch is first copied out of the ring and checked against its seal ({@link BatchFormat#copyIfSealed}):
 * a producer that was skipped as stalled and resumed may still be writing into the slot, now another
 * client's, so the slot is never parsed in place, and a batch whose seal does not match is dropped
 * unanswered and counted ({@link Counters#REJECTED_BATCHES}); its requests time out, never applied.
 * Every field of the copy is read once and validated before use. A batch whose client or run is
 * invalid cannot be answered and is only counted; inside a valid batch, a request with a bad opcode or
 * length is answered {@link ResponseStatus#MALFORMED}, and so is every request after a record whose
 * lengths break the framing. No exception escapes the loop: a worker survives whatever is written into
 * the region. With several workers, a {@link ClientOrderGate} keeps each client's batches in ring order.
 *
 * <p>With persistence, the store journals each write to the log as it applies it; a write the log cannot take
 * (its disk is full) is answered {@link ResponseStatus#REFUSED} unapplied. Under {@code FsyncPolicy.ALWAYS} a
 * batch that wrote is sealed at once but acknowledged only once the log is on disk past it ({@link
 * DeferredAnswers}), while the worker goes on with the next batches.
 */
final class Worker implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    /** How long an idle worker with answers waiting for the log waits before it looks at the ring again. */
    private static final long DEFERRED_WAIT_NANOS = 50_000;

    private final int workerIndex;
    private final RequestRing ring;
    private final RingConsumer consumer;
    private final ClientOrderGate gate;
    private final ClientTable clients;
    private final ResponseSlots responses;
    private final SharedStore store;
    private final int maxKeyBytes;
    private final int maxValueBytes;
    private final int maxRequests;
    private final int payloadCapacity;
    private final IdleStrategy.Idler idler;
    private final BooleanSupplier stopRequested;
    private final WorkerCounters counters = new WorkerCounters();
    /** The current request's key and value, copied out of the ring: the store takes arrays. */
    private final byte[] key;

    private final byte[] value;
    /** Seals the run this worker is answering, from its own buffers. */
    private final AnswerSeal seal = new AnswerSeal();
    /** The batch being served, copied out of the ring; parsed from here only. */
    private final Memory batch;

    private final byte[] batchBytes;
    private final CRC32C crc = new CRC32C();
    /** The persistence log, or null; under {@code ALWAYS} ({@link #deferAnswers}) answers wait for it. */
    private final LogWriter log;

    private final boolean deferAnswers;
    private final DeferredAnswers deferred;

    /**
     * @param gate the order gate shared by all workers, or null when this is the only worker
     */
    Worker(
            int workerIndex,
            RequestRing ring,
            RingConsumer consumer,
            ClientOrderGate gate,
            ClientTable clients,
            ResponseSlots responses,
            SharedStore store,
            int maxKeyBytes,
            int maxValueBytes,
            IdleStrategy idle,
            BooleanSupplier stopRequested,
            LogWriter log,
            boolean deferAnswers) {
        this.workerIndex = workerIndex;
        this.ring = ring;
        this.consumer = consumer;
        this.gate = gate;
        this.clients = clients;
        this.responses = responses;
        this.store = store;
        this.maxKeyBytes = maxKeyBytes;
        this.maxValueBytes = maxValueBytes;
        this.maxRequests = RequestRingDescriptor.maxRequests(ring.slotSize());
        this.payloadCapacity = RequestRingDescriptor.payloadCapacity(ring.slotSize());
        this.idler = idle.newIdler();
        this.stopRequested = stopRequested;
        this.key = new byte[maxKeyBytes];
        this.value = new byte[Math.max(maxValueBytes, store.maxValueLength())];
        this.batchBytes = new byte[ring.slotSize()];
        this.batch = MappedFiles.allocateDirect(ring.slotSize());
        this.log = log;
        this.deferAnswers = deferAnswers && log != null;
        this.deferred = this.deferAnswers ? new DeferredAnswers(responses, log, counters) : null;
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
            if (deferred != null) {
                deferred.completeDurable();
            }
            if (index == RingConsumer.EMPTY) {
                if (stopRequested.getAsBoolean() && ring.depth() == 0) {
                    if (deferred != null) {
                        deferred.awaitAll();
                    }
                    return;
                }
                if (deferred != null && deferred.waiting() > 0) {
                    // Answers wait for the log's force: wake with it, not after an idle back-off.
                    deferred.awaitBriefly(DEFERRED_WAIT_NANOS);
                    continue;
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
                LOG.warn("batch at ring index {} failed", index, e);
            }
        }
    }

    private void serve(long index) {
        try {
            Memory shared = ring.memory();
            long sharedSlot = ring.slotOffset(index);
            if (!BatchFormat.copyIfSealed(shared, sharedSlot, index, ring.slotSize(), batchBytes, crc)) {
                counters.increment(Counters.REJECTED_BATCHES);
                return;
            }
            int sealed =
                    BatchFormat.sealedPayload(BatchFormat.intAt(batchBytes, PAYLOAD_LENGTH_OFFSET), ring.slotSize());
            Memory m = batch;
            long slot = 0;
            m.putBytes(slot, batchBytes, 0, PAYLOAD_OFFSET + sealed);
            long batchId = m.getLong(slot + BATCH_ID_OFFSET);
            int client = m.getInt(slot + CLIENT_INDEX_OFFSET);
            int first = m.getInt(slot + FIRST_RESPONSE_SLOT_OFFSET);
            int count = m.getInt(slot + REQUEST_COUNT_OFFSET);
            int payloadLength = m.getInt(slot + PAYLOAD_LENGTH_OFFSET);
            if (count < 1 || count > maxRequests || !responses.isValidRun(client, first, count)) {
                counters.increment(Counters.MALFORMED_REQUESTS);
                return;
            }
            if (!clients.isActive(client, RequestIds.generation(batchId))) {
                counters.add(Counters.STALE_ANSWERS, count);
                return;
            }
            if (gate != null) {
                gate.awaitEarlierBatches(workerIndex, index, client);
            }
            boolean framed = payloadLength >= 0 && payloadLength <= payloadCapacity;
            apply(m, slot + PAYLOAD_OFFSET, framed ? payloadLength : -1, batchId, client, first, count);
        } finally {
            ring.release(index);
            if (gate != null) {
                gate.clear(workerIndex);
            }
        }
    }

    /**
     * Applies the {@code count} records found in {@code [start, start + length)} in order, answering each
     * if the client still waits for the batch. A negative {@code length} means the header's payload
     * length was out of range: every request is answered MALFORMED.
     */
    private void apply(Memory m, long start, int length, long batchId, int client, int first, int count) {
        boolean answering = responses.beginAnswer(client, first, batchId, seal);
        long answerAt = answering ? responses.firstAnswer(client, first) : 0;
        long at = start;
        long end = start + Math.max(0, length);
        boolean framed = length >= 0;
        boolean wrote = false;
        for (int i = 0; i < count; i++) {
            int status = ResponseStatus.MALFORMED;
            int foundLength = -1;
            if (framed && end - at >= RECORD_HEADER_LENGTH) {
                int opcode = m.getInt(at + RECORD_OPCODE_OFFSET);
                int keyLength = m.getInt(at + RECORD_KEY_LENGTH_OFFSET);
                int valueLength = m.getInt(at + RECORD_VALUE_LENGTH_OFFSET);
                boolean lengthsValid = keyLength >= 0
                        && keyLength <= maxKeyBytes
                        && valueLength >= 0
                        && valueLength <= maxValueBytes
                        && RequestRingDescriptor.recordLength(keyLength, valueLength) <= end - at;
                if (!lengthsValid) {
                    framed = false; // every later record's position is unknown
                } else {
                    long recordEnd = at + RequestRingDescriptor.recordLength(keyLength, valueLength);
                    if (Opcodes.isValid(opcode) && (valueLength == 0 || Opcodes.carriesValue(opcode))) {
                        try {
                            m.getBytes(at + RECORD_HEADER_LENGTH, key, 0, keyLength);
                            if (opcode == Opcodes.GET) {
                                foundLength = get(keyLength);
                                status = foundLength < 0
                                        ? ResponseStatus.ABSENT
                                        : foundLength <= maxValueBytes
                                                ? ResponseStatus.FOUND
                                                : ResponseStatus.MALFORMED;
                            } else if (log != null && !log.admits()) {
                                counters.increment(Counters.PERSISTENCE_REFUSALS);
                                foundLength = message(log.refusal());
                                status = ResponseStatus.REFUSED;
                            } else {
                                status =
                                        write(m, opcode, keyLength, at + RECORD_HEADER_LENGTH + keyLength, valueLength);
                                wrote = true;
                            }
                        } catch (KvsCapacityException full) {
                            counters.increment(Counters.CAPACITY_REJECTIONS);
                            foundLength = message(full.getMessage());
                            status = ResponseStatus.CAPACITY;
                        } catch (RuntimeException e) {
                            // Only a bug can get here; the batch is still answered, so its run is freed.
                            LOG.warn("request {} of batch {} failed", i, batchId, e);
                            foundLength = -1;
                            status = ResponseStatus.MALFORMED;
                        }
                    }
                    at = recordEnd;
                }
            }
            if (status == ResponseStatus.MALFORMED) {
                counters.increment(Counters.MALFORMED_REQUESTS);
            }
            if (answering) {
                boolean carriesValue = status == ResponseStatus.FOUND
                        || status == ResponseStatus.CAPACITY
                        || status == ResponseStatus.REFUSED;
                answerAt = responses.putAnswer(
                        client, first, count, answerAt, status, value, carriesValue ? foundLength : 0, seal);
            }
        }
        if (!answering) {
            counters.add(Counters.STALE_ANSWERS, count);
        } else if (wrote && deferred != null) {
            // ALWAYS: the answers are ready, but acknowledged only once the log holds the writes on disk.
            responses.sealAnswers(client, first, batchId, count, answerAt, seal);
            deferred.add(client, first, batchId, count, log.appendedPosition());
        } else if (!responses.publishAnswers(client, first, batchId, count, answerAt, seal)) {
            counters.add(Counters.STALE_ANSWERS, count);
        }
    }

    /** Looks up the key in {@link #key}; the value lands in {@link #value}. Its length, or -1 if absent. */
    private int get(int keyLength) {
        counters.increment(Counters.GETS);
        int found = store.get(key, keyLength, value);
        if (found >= 0) {
            counters.increment(Counters.GET_HITS);
        }
        return found;
    }

    /** Applies one validated write (SET, POST or DEL) and returns its answer's status. */
    private int write(Memory m, int opcode, int keyLength, long valueAt, int valueLength) {
        switch (opcode) {
            case Opcodes.SET:
                counters.increment(Counters.SETS);
                m.getBytes(valueAt, value, 0, valueLength);
                store.set(key, keyLength, value, 0, valueLength);
                return ResponseStatus.TRUE;
            case Opcodes.POST: {
                counters.increment(Counters.POSTS);
                m.getBytes(valueAt, value, 0, valueLength);
                if (store.post(key, keyLength, value, 0, valueLength)) {
                    return ResponseStatus.TRUE;
                }
                counters.increment(Counters.POST_REJECTED);
                return ResponseStatus.FALSE;
            }
            case Opcodes.DEL: {
                counters.increment(Counters.DELS);
                if (store.del(key, keyLength)) {
                    counters.increment(Counters.DEL_HITS);
                    return ResponseStatus.TRUE;
                }
                return ResponseStatus.FALSE;
            }
            default:
                throw new IllegalStateException("validated opcode " + opcode);
        }
    }

    /**
     * Puts a refused write's reason into {@link #value} for the client's exception, cut to what an answer can
     * carry; returns its length.
     */
    private int message(String reason) {
        byte[] text = String.valueOf(reason).getBytes(StandardCharsets.UTF_8);
        int length = Math.min(text.length, maxValueBytes);
        System.arraycopy(text, 0, value, 0, length);
        return length;
    }
}
