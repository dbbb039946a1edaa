package io.concurrentkvs.core.internal.ring;

import static io.concurrentkvs.core.internal.ring.RequestRingDescriptor.*;

import io.concurrentkvs.core.internal.memory.Memory;

/**
 * The bounded multi-producer multi-consumer request ring, laid out in shared memory by
 * {@link RequestRingDescriptor}.
 *
 * <p>The algorithm is Dmitry Vyukov's bounded MPMC queue as JCTools' {@code MpmcArrayQueue} implements
 * it: every slot carries a sequence number; a producer claims ring index {@code n} by CAS on the
 * producer index when slot {@code n % capacity} holds sequence {@code n}, writes the request, then
 * publishes by moving the sequence from {@code n} to {@code n + 1}; a consumer claims index {@code n}
 * by CAS on the consumer index when the sequence is {@code n + 1}, reads, then frees the slot for the
 * next lap by storing {@code n + capacity}.
 *
 * <p>Trade-off: the queue is not lock-free. A producer that stops between claim and publish (killed,
 * or paused) holds up every consumer behind its slot. {@link RingConsumer} therefore skips such a
 * slot after a stall timeout, and producers publish by CAS rather than by a plain store, so a producer
 * that was too slow learns {@link #publish} returned {@code false} and re-sends instead of publishing
 * into the next lap (compare Agrona's {@code ManyToOneRingBuffer.unblock}).
 *
 * <p>Everything read from the ring is untrusted: indices and sequences are only compared, and every
 * slot access is bounds-checked by {@link Memory}. Thread safety: any number of producer threads in
 * any number of processes, and any number of consumer threads, each with its own {@link RingConsumer}.
 */
public final class RequestRing {
    /** Returned by {@link #claim} when the ring is full. */
    public static final long FULL = -1;

    /** Bound on retries against contended or corrupted indices before reporting full or empty. */
    static final int MAX_RETRIES = 1_000;

    private final Memory memory;
    private final int capacity;
    private final int mask;
    private final int slotSize;

    public RequestRing(Memory memory, int capacity, int slotSize) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        }
        if (memory.capacity() < RequestRingDescriptor.length(capacity, slotSize)) {
            throw new IllegalArgumentException("memory of " + memory.capacity() + " bytes is too small for " + capacity
                    + " slots of " + slotSize + " bytes");
        }
        this.memory = memory;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.slotSize = slotSize;
    }

    /** Sets every slot's sequence for lap 0 and both indices to 0. Only on a region nobody uses yet. */
    public void initialize() {
        memory.putLong(PRODUCER_INDEX_OFFSET, 0);
        memory.putLong(CONSUMER_INDEX_OFFSET, 0);
        for (int i = 0; i < capacity; i++) {
            memory.putLong(slotOffset(i) + SEQUENCE_OFFSET, i);
        }
        memory.putLongVolatile(CONSUMER_INDEX_OFFSET, 0);
    }

    public int capacity() {
        return capacity;
    }

    public int slotSize() {
        return slotSize;
    }

    /** The ring's memory; request fields live at {@link #slotOffset(long)} plus the descriptor offsets. */
    public Memory memory() {
        return memory;
    }

    /** Offset in {@link #memory()} of the slot that ring index {@code index} uses. */
    public long slotOffset(long index) {
        return HEADER_LENGTH + (index & mask) * (long) slotSize;
    }

    /**
     * Claims the next ring index for a producer. Called from producer threads.
     *
     * @param clientIndex the claimant's client-table index, recorded so a stalled slot's owner can be
     *     checked for liveness
     * @return the claimed index, or {@link #FULL} if the ring is full (or its indices are corrupt)
     */
    public long claim(int clientIndex) {
        for (int retry = 0; retry < MAX_RETRIES; retry++) {
            long index = memory.getLongVolatile(PRODUCER_INDEX_OFFSET);
            long slot = slotOffset(index);
            long sequence = memory.getLongAcquire(slot + SEQUENCE_OFFSET);
            if (sequence == index) {
                if (memory.compareAndSetLong(PRODUCER_INDEX_OFFSET, index, index + 1)) {
                    memory.putInt(slot + CLIENT_INDEX_OFFSET, clientIndex);
                    memory.putLongRelease(slot + CLAIMED_INDEX_OFFSET, index);
                    return index;
                }
            } else if (sequence < index) {
                // The slot still holds lap L-1. Full only if its consumer has not even claimed it; a
                // consumer between claim and release will free it in a moment (as in JCTools' offer).
                if (index - capacity >= memory.getLongVolatile(CONSUMER_INDEX_OFFSET)) {
                    return FULL;
                }
                Thread.onSpinWait();
            } else {
                Thread.onSpinWait();
            }
        }
        return FULL;
    }

    /**
     * Publishes a claimed index whose request has been written. Called by the producer that claimed it.
     *
     * @return {@code true} if published; {@code false} if a consumer skipped the slot as stalled, in
     *     which case nothing was published and the request must be sent again under a new claim
     */
    public boolean publish(long index) {
        return memory.compareAndSetLong(slotOffset(index) + SEQUENCE_OFFSET, index, index + 1);
    }

    /** Requests claimed but not yet consumed (an estimate while producers and consumers run). */
    public long depth() {
        long consumer = memory.getLongVolatile(CONSUMER_INDEX_OFFSET);
        long producer = memory.getLongVolatile(PRODUCER_INDEX_OFFSET);
        return Math.max(0, Math.min(capacity, producer - consumer));
    }

    long consumerIndex() {
        return memory.getLongVolatile(CONSUMER_INDEX_OFFSET);
    }

    long producerIndex() {
        return memory.getLongVolatile(PRODUCER_INDEX_OFFSET);
    }

    long sequence(long index) {
        return memory.getLongAcquire(slotOffset(index) + SEQUENCE_OFFSET);
    }

    boolean casSequence(long index, long expected, long value) {
        return memory.compareAndSetLong(slotOffset(index) + SEQUENCE_OFFSET, expected, value);
    }

    boolean casConsumerIndex(long expected, long value) {
        return memory.compareAndSetLong(CONSUMER_INDEX_OFFSET, expected, value);
    }

    /**
     * Restores the ring after its indices were overwritten (by a bug or a hostile writer): both indices
     * move past anything either side has used, and every slot's sequence is set free for its next
     * producer. Requests published but not yet consumed are lost (their clients time out); a producer
     * between claim and publish fails its publish CAS and re-sends. Only the consumer whose CAS on the
     * consumer index wins rewrites the slots.
     */
    void repair(long observedConsumer, long observedProducer) {
        long restart = Math.max(0, Math.max(observedConsumer, observedProducer));
        if (!memory.compareAndSetLong(CONSUMER_INDEX_OFFSET, observedConsumer, restart)) {
            return;
        }
        memory.putLongVolatile(PRODUCER_INDEX_OFFSET, restart);
        for (int i = 0; i < capacity; i++) {
            long next = restart + ((i - restart) & mask);
            memory.putLongVolatile(slotOffset(i) + SEQUENCE_OFFSET, next);
        }
    }

    /**
     * The sequence a consumer parks in slot {@code index} while it skips it: negative, so no producer
     * can claim or publish it and every consumer treats it as still blocked.
     */
    static long skipMarker(long index) {
        return -2 - index;
    }

    /** Frees a consumed index's slot for the producer of the next lap. Called by its consumer. */
    public void release(long index) {
        memory.putLongRelease(slotOffset(index) + SEQUENCE_OFFSET, index + capacity);
    }

    /**
     * The client index recorded by the producer that claimed {@code index}, or -1 if the slot does not
     * (yet) say: the claimant may have died between its claim and recording itself.
     */
    int claimantOf(long index) {
        long slot = slotOffset(index);
        if (memory.getLongAcquire(slot + CLAIMED_INDEX_OFFSET) != index) {
            return -1;
        }
        return memory.getInt(slot + CLIENT_INDEX_OFFSET);
    }
}
