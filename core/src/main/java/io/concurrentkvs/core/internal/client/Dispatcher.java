package io.concurrentkvs.core.internal.client;

import static io.concurrentkvs.core.internal.ring.RequestRingDescriptor.*;

import io.concurrentkvs.core.KvsException;
import io.concurrentkvs.core.KvsUnavailableException;
import io.concurrentkvs.core.internal.layout.RequestIds;
import io.concurrentkvs.core.internal.layout.ResponseSlots;
import io.concurrentkvs.core.internal.memory.Memory;
import io.concurrentkvs.core.internal.ring.BatchFormat;
import io.concurrentkvs.core.internal.ring.RequestRing;
import io.concurrentkvs.core.internal.ring.RequestRingDescriptor;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.zip.CRC32C;

/**
 * The shared-memory side of one session, owned by one thread at a time: the requests taken from the
 * connection's hand-off queue but not yet sent, the batches in flight and the runs of response slots
 * they hold, and the batch ids.
 *
 * <p><b>Single owner.</b> Every method runs only on the thread that holds the connection's drive token
 * ({@link ClientEngine}); the token's CAS and release store order one owner's writes before the next
 * owner's reads, so no field here needs to be volatile; {@link #activeSlots()} may be read by anyone.
 * The owner is the poller thread, or a caller that found the connection idle and sends its own request
 * at once. Methods that lead to completing futures ({@link #collect}, {@link #sweep},
 * {@link #expirePending}, {@link #failAll}) are called by the poller only, so application callbacks
 * never run inside another call of the application.
 *
 * <p><b>Batching.</b> {@link #send} takes as many queued requests as fit in one ring slot and one free run
 * of response slots, writes them as one batch, arms the run and publishes: the ring claim, the publish,
 * the ticket and the bookkeeping are paid once per batch. A request that finds nobody sending goes at
 * once, alone; requests queued while another thread is sending go together in that thread's next batch.
 *
 * <p><b>Runs.</b> Response slots are handed out in order around the client's block; a batch of {@code n}
 * requests holds {@code n} consecutive slots until it is retired. Batches retire roughly in order, so
 * the free space is the gap between the newest run and the oldest live one.
 */
final class Dispatcher {
    private final RequestRing ring;
    private final ResponseSlots responses;
    /** The mapping's guard, for the batches' waiting threads, which read their answers without the token. */
    private final MappingGuard guard;

    private final int client;
    private final long generation;
    private final int slots;
    private final int maxRequests;
    private final int slotSize;
    /** Scratch for sealing batches. */
    private final byte[] sealScratch;

    private final CRC32C crc = new CRC32C();

    private final ArrayDeque<RequestFuture<?>> pending = new ArrayDeque<>();
    private final ArrayDeque<Batch> live = new ArrayDeque<>();
    /** The next slot to hand out. */
    private int head;

    private long nextSequence = 1;
    /**
     * Slots held by batches not yet retired: the requests in flight. Incremented by the owner when it
     * sends, decremented by whichever thread retires a batch; read by any thread.
     */
    private final AtomicInteger activeSlots = new AtomicInteger();

    Dispatcher(RequestRing ring, ResponseSlots responses, MappingGuard guard, int client, long generation) {
        this.ring = ring;
        this.responses = responses;
        this.guard = guard;
        this.client = client;
        this.generation = generation;
        this.slots = responses.slotsPerClient();
        this.slotSize = ring.slotSize();
        this.maxRequests = RequestRingDescriptor.maxRequests(slotSize);
        this.sealScratch = new byte[slotSize];
    }

    /** Response slots held by batches whose answers have not been delivered or given up yet. Any thread. */
    int activeSlots() {
        return activeSlots.get();
    }

    int slotCount() {
        return slots;
    }

    /**
     * Whether the poller has answers to wait for or requests to send: a lone request whose own thread
     * waits for it does not count, so the poller does not spin beside that thread and the worker.
     */
    boolean hasWorkForPoller() {
        if (!pending.isEmpty()) {
            return true;
        }
        Batch only = live.peekFirst();
        return only != null && (live.size() > 1 || !only.isLeftToItsWaiter());
    }

    boolean isExhausted() {
        return nextSequence > RequestIds.MAX_SEQUENCE;
    }

    /** Queues a request taken from the hand-off queue. */
    void enqueue(RequestFuture<?> request) {
        pending.addLast(request);
    }

    /**
     * Sends queued requests in as few batches as the free runs and the ring allow.
     *
     * @return how many queued requests were sent or dropped as already done; the caller subtracts them
     *     from the connection's count of waiting requests
     */
    int send() {
        retire();
        int queued = pending.size();
        while (!pending.isEmpty()) {
            dropDone();
            RequestFuture<?> next = pending.peekFirst();
            if (next == null || !fitsEmptySlot(next) || isExhausted()) {
                break;
            }
            int run = freeRun();
            if (run == 0) {
                break;
            }
            long index = ring.claim(client);
            if (index == RequestRing.FULL) {
                break;
            }
            publish(index, takeBatch(Math.min(run, maxRequests)));
        }
        return queued - pending.size();
    }

    /** Drops requests at the head of the queue that completed (were cancelled) before being sent. */
    private void dropDone() {
        RequestFuture<?> f;
        while ((f = pending.peekFirst()) != null && f.isDone()) {
            pending.pollFirst();
        }
    }

    private boolean fitsEmptySlot(RequestFuture<?> f) {
        return RequestRingDescriptor.recordLength(f.key.length, f.valueLength()) <= payloadCapacity(slotSize);
    }

    /**
     * Takes the longest prefix of the queue that fits one slot and {@code limit} response slots, leaving
     * out requests already cancelled. The head always goes (the caller checked that it fits an empty
     * slot; if it was cancelled just now its answer is ignored), so the batch is never empty.
     */
    private Batch takeBatch(int limit) {
        RequestFuture<?>[] requests = new RequestFuture<?>[Math.min(limit, pending.size())];
        int room = payloadCapacity(slotSize);
        int count = 0;
        RequestFuture<?> f;
        while (count < requests.length && (f = pending.peekFirst()) != null) {
            if (count > 0 && f.isDone()) {
                pending.pollFirst();
                continue;
            }
            int length = RequestRingDescriptor.recordLength(f.key.length, f.valueLength());
            if (length > room) {
                break;
            }
            room -= length;
            requests[count++] = pending.pollFirst();
        }
        int first = head;
        head += count;
        activeSlots.addAndGet(count);
        Batch batch = new Batch(
                RequestIds.of(generation, nextSequence++),
                first,
                requests,
                count,
                responses,
                guard,
                client,
                activeSlots);
        live.addLast(batch);
        return batch;
    }

    /**
     * Writes {@code batch} into the claimed ring {@code index}, arms its run and publishes it. If a
     * worker skipped the index as stalled (this thread was paused for seconds), claims a new index and
     * writes it again; a batch that cannot be re-sent before all its requests are due is left unpublished,
     * and times out.
     */
    private void publish(long index, Batch batch) {
        for (int i = 0; i < batch.count; i++) {
            batch.requests[i].sentIn(batch);
        }
        if (!responses.arm(client, batch.firstSlot, batch.id)) {
            // Sent anyway, so the claimed index is not left to stall the ring; the poller fails its requests.
            batch.unarmed = true;
        }
        while (true) {
            write(index, batch);
            if (ring.publish(index)) {
                return;
            }
            do {
                if (allDue(batch)) {
                    return;
                }
                Thread.onSpinWait();
                index = ring.claim(client);
            } while (index == RequestRing.FULL);
        }
    }

    private static boolean allDue(Batch batch) {
        long now = System.nanoTime();
        for (int i = 0; i < batch.count; i++) {
            if (now - batch.requests[i].deadlineNanos < 0) {
                return false;
            }
        }
        return true;
    }

    private void write(long index, Batch batch) {
        Memory m = ring.memory();
        long slot = ring.slotOffset(index);
        long at = slot + PAYLOAD_OFFSET;
        for (int i = 0; i < batch.count; i++) {
            RequestFuture<?> f = batch.requests[i];
            at = BatchFormat.putRecord(m, at, f.opcode, f.key, f.value);
        }
        BatchFormat.putHeader(m, slot, batch.id, client, batch.firstSlot, batch.count, at);
        BatchFormat.seal(m, slot, index, slotSize, sealScratch, crc);
    }

    /** The longest run of free slots starting at the next slot to hand out (wrapping to 0 at the end). */
    private int freeRun() {
        Batch oldest = live.peekFirst();
        if (oldest == null) {
            head = 0;
            return slots;
        }
        int tail = oldest.firstSlot;
        if (head > tail) {
            if (head < slots) {
                return slots - head;
            }
            head = 0;
        }
        return head < tail ? tail - head : 0;
    }

    /** Frees the runs of retired batches at the old end of the live list. */
    private void retire() {
        Batch oldest;
        while ((oldest = live.peekFirst()) != null && oldest.isRetired()) {
            live.pollFirst();
        }
    }

    /**
     * Takes the batches whose answers have landed into {@code answered}; the poller completes them once
     * it has released the drive token, so that application callbacks never hold up senders. Poller only.
     *
     * <p>A connection's batches are answered in the order they were sent (the server applies one
     * client's batches in ring order), so a quick pass stops at the first batch still waiting; a full
     * pass ({@code everyBatch}, once a millisecond) also finds any answered out of order.
     *
     * @return how many batches were taken
     */
    int collect(List<Batch> answered, boolean everyBatch) {
        int taken = 0;
        for (Batch batch : live) {
            int state = batch.state();
            if (state != Batch.IN_FLIGHT) {
                continue;
            }
            if (batch.tryBeginCompletion()) {
                answered.add(batch);
                taken++;
            } else if (!everyBatch) {
                break;
            }
        }
        return taken;
    }

    /**
     * Times out sent requests whose deadline passed, gives up the runs of batches whose requests are all
     * done, and retires drained ones. Poller only.
     *
     * @return how many requests or batches changed state
     */
    int sweep(
            long now,
            long drainNanos,
            Function<RequestFuture<?>, RuntimeException> timeout,
            BiConsumer<RequestFuture<?>, Throwable> fail) {
        int work = 0;
        for (Batch batch : live) {
            int state = batch.state();
            if (state == Batch.IN_FLIGHT) {
                for (int i = 0; i < batch.count; i++) {
                    RequestFuture<?> f = batch.requests[i];
                    if (f.isDone()) {
                        continue;
                    }
                    if (batch.unarmed) {
                        fail.accept(
                                f,
                                new KvsUnavailableException(
                                        f.describe() + " cannot be answered: another"
                                                + " process kept writing into this client's response slot; it may have been applied"));
                        work++;
                    } else if (now - f.deadlineNanos >= 0) {
                        fail.accept(f, timeout.apply(f));
                        work++;
                    }
                }
                if (batch.tryAbandon(now + drainNanos)) {
                    work++;
                }
            } else if (state == Batch.DRAINING && batch.tryRetireDrained(now)) {
                work++;
            }
        }
        retire();
        return work;
    }

    /**
     * Fails queued (unsent) requests whose deadline passed and drops cancelled ones. Poller only.
     *
     * @return how many left the queue
     */
    int expirePending(
            long now,
            Function<RequestFuture<?>, RuntimeException> timeout,
            BiConsumer<RequestFuture<?>, Throwable> fail) {
        int removed = 0;
        for (Iterator<RequestFuture<?>> it = pending.iterator(); it.hasNext(); ) {
            RequestFuture<?> f = it.next();
            if (f.isDone()) {
                it.remove();
                removed++;
            } else if (now - f.deadlineNanos >= 0) {
                it.remove();
                removed++;
                fail.accept(f, timeout.apply(f));
            } else if (!fitsEmptySlot(f)) {
                // Encoded against the limits of an earlier server; this one cannot take it.
                it.remove();
                removed++;
                fail.accept(
                        f,
                        new KvsException(f.describe() + " of " + f.key.length + " key bytes and " + f.valueLength()
                                + " value bytes exceeds the limits of the server now serving this store"));
            }
        }
        return removed;
    }

    /**
     * Fails every request of this session, sent or queued, with {@code error}; the session is being
     * abandoned. Poller only.
     *
     * @return how many queued requests were failed
     */
    int failAll(Throwable error, BiConsumer<RequestFuture<?>, Throwable> fail) {
        for (Batch batch : live) {
            for (int i = 0; i < batch.count; i++) {
                fail.accept(batch.requests[i], error);
            }
        }
        live.clear();
        activeSlots.set(0);
        int queued = pending.size();
        pending.forEach(f -> fail.accept(f, error));
        pending.clear();
        return queued;
    }
}
