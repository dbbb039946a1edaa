package io.concurrentkvs.core.internal.ring;

import io.concurrentkvs.core.internal.jfr.RingRepairEvent;
import io.concurrentkvs.core.internal.jfr.SlotSkippedEvent;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;

/**
 * One consumer's view of a {@link RequestRing}: takes published requests, skips slots whose producer
 * stalled between claim and publish, and repairs what a buggy or hostile writer broke.
 *
 * <p>A slot at the consumer index that stays claimed-but-unpublished is skipped once it has been
 * stalled for the stall timeout and its claimant is not known to be alive, or unconditionally once it
 * has been stalled for {@link #HARD_STALL_FACTOR} times the stall timeout (a live but frozen producer,
 * or a scribbled slot). An unclaimed slot whose sequence is wrong (which would block producers for
 * good) is reset after the stall timeout, and indices that no well-behaved process could produce are
 * repaired once they have lasted the stall timeout ({@link RequestRing#repair}). A skip is ordered like
 * a consume: the consumer index moves past the slot before the slot is freed for the next lap. Stall time is measured locally with the given clock
 * ({@code System.nanoTime()} in the server), so no clock is compared across processes.
 *
 * <p>Thread safety: one instance per consumer thread; not shareable.
 */
public final class RingConsumer {
    /** Returned by {@link #poll} when no published request is at the head of the ring. */
    public static final long EMPTY = -1;

    /** A slot is skipped regardless of its claimant's liveness after this many stall timeouts. */
    public static final int HARD_STALL_FACTOR = 5;

    private final RequestRing ring;
    private final long stallTimeoutNanos;
    private final IntPredicate claimantAlive;
    private final LongSupplier nanoClock;
    private final TakeListener takeListener;

    private long stalledIndex = -1;
    private long stalledSince;
    private long nextLivenessCheck;
    private boolean claimantKnownAlive;
    /** The consumer index at which impossible indices were first seen, or -1; and what and when. */
    private long anomalyIndex = -1;

    private long anomalyProducer;
    private long anomalySince;
    private long skipped;
    private long repairs;

    /**
     * @param claimantAlive tells whether the client at a table index is alive; called rarely (only for
     *     a slot already stalled for the stall timeout), so it may read {@code /proc}
     */
    public RingConsumer(RequestRing ring, long stallTimeoutNanos, IntPredicate claimantAlive, LongSupplier nanoClock) {
        this(ring, stallTimeoutNanos, claimantAlive, nanoClock, TakeListener.NONE);
    }

    /**
     * As {@link #RingConsumer(RequestRing, long, IntPredicate, LongSupplier)}, telling {@code takeListener}
     * of every attempt to take a published slot before the attempt's CAS.
     */
    public RingConsumer(
            RequestRing ring,
            long stallTimeoutNanos,
            IntPredicate claimantAlive,
            LongSupplier nanoClock,
            TakeListener takeListener) {
        this.ring = ring;
        this.stallTimeoutNanos = stallTimeoutNanos;
        this.claimantAlive = claimantAlive;
        this.nanoClock = nanoClock;
        this.takeListener = takeListener;
    }

    /**
     * Hears of a consumer's attempts to take a published slot: before the consumer-index CAS (so that
     * whoever takes a later index sees what was announced) and after a failed one. Called on the
     * consumer's thread.
     */
    public interface TakeListener {
        /** Does nothing. */
        TakeListener NONE = new TakeListener() {
            @Override
            public void beforeTake(long index) {}

            @Override
            public void takeFailed() {}
        };

        /** The consumer is about to CAS the consumer index from {@code index}; the slot is published. */
        void beforeTake(long index);

        /** The CAS announced by the last {@link #beforeTake} failed. */
        void takeFailed();
    }

    /**
     * Takes the batch at the head of the ring. On success the caller owns the returned index: it reads
     * the slot and must then call {@link RequestRing#release}.
     *
     * @return the index taken, or {@link #EMPTY}
     */
    public long poll() {
        for (int retry = 0; retry < RequestRing.MAX_RETRIES; retry++) {
            long index = ring.consumerIndex();
            long sequence = ring.sequence(index);
            if (sequence == index + 1 && index >= 0) {
                // The fast path reads no producer index: producers keep that cache line to themselves,
                // instead of every claim taking it back from a consumer polling it (as in JCTools).
                takeListener.beforeTake(index);
                if (ring.casConsumerIndex(index, index + 1)) {
                    return index;
                }
                takeListener.takeFailed();
                continue;
            }
            long producer = ring.producerIndex();
            if (index < 0
                    || producer < index
                    || (producer - index > ring.capacity() && ring.consumerIndex() == index)) {
                // Impossible for well-behaved processes once it persists (the producer index is read
                // after the consumer index, which has not moved since): the indices were overwritten. A
                // repair discards published requests, so a passing sight (another worker's repair half
                // done) is not enough.
                if (anomalyPersisted(index, producer)) {
                    ring.repair(index, producer);
                    repairs++;
                    RingRepairEvent.record(RingRepairEvent.INDICES, index, producer);
                    continue;
                }
                return EMPTY;
            }
            anomalyIndex = -1;
            if (producer <= index) {
                if (sequence != index) {
                    // Unclaimed, yet not free for its producer: a scribbled sequence.
                    checkStall(index, sequence, index);
                }
                return EMPTY;
            } else if (sequence <= index || ring.consumerIndex() == index) {
                // Claimed but not published; or garbage that the consumer index did not move past.
                checkStall(index, sequence, index + ring.capacity());
                return EMPTY;
            }
        }
        return EMPTY;
    }

    /**
     * Tracks how long {@code index} has been blocked; when the policy says so, replaces the observed
     * sequence with {@code replacement}: {@code index + capacity} skips a claimed slot, {@code index}
     * frees a corrupt unclaimed one.
     */
    private void checkStall(long index, long observedSequence, long replacement) {
        long now = nanoClock.getAsLong();
        if (stalledIndex != index) {
            stalledIndex = index;
            stalledSince = now;
            nextLivenessCheck = now + stallTimeoutNanos;
            claimantKnownAlive = false;
            return;
        }
        long stalledFor = now - stalledSince;
        if (stalledFor < stallTimeoutNanos) {
            return;
        }
        boolean claimed = replacement != index;
        if (claimed && stalledFor < HARD_STALL_FACTOR * stallTimeoutNanos) {
            if (now - nextLivenessCheck >= 0) {
                // Liveness reads /proc: at most ten times per stall timeout, not on every poll.
                nextLivenessCheck = now + Math.max(1, stallTimeoutNanos / 10);
                int claimant = ring.claimantOf(index);
                claimantKnownAlive = claimant >= 0 && claimantAlive.test(claimant);
            }
            if (claimantKnownAlive) {
                return;
            }
        }
        if (!claimed) {
            // Unclaimed: no producer can be past it, so freeing it for its own producer is the whole fix.
            if (ring.casSequence(index, observedSequence, replacement)) {
                repairs++;
                RingRepairEvent.record(RingRepairEvent.SEQUENCE, index, ring.producerIndex());
            }
        } else {
            // Read before the skip frees the slot for its next claimant.
            int claimant = ring.claimantOf(index);
            if (skip(index, observedSequence)) {
                skipped++;
                SlotSkippedEvent.record(index, claimant, stalledFor);
            }
        }
        stalledIndex = -1;
    }

    /**
     * Skips a claimed slot in the order of a consume: take it from its producer, move the consumer index
     * past it, and only then free it for the next lap. Freed earlier, a producer waiting on the full ring
     * could claim the next lap while the consumer index still points here, and another worker would see
     * more claimed than the ring holds.
     *
     * @return true if this consumer moved the consumer index past {@code index}
     */
    private boolean skip(long index, long observedSequence) {
        long marker = RequestRing.skipMarker(index);
        // Winning this CAS makes the slot ours: a stalled producer's publish CAS can no longer succeed,
        // and producers of the next lap cannot claim it yet.
        if (!ring.casSequence(index, observedSequence, marker)) {
            return false;
        }
        boolean moved = ring.casConsumerIndex(index, index + 1);
        // Freed even if another consumer moved the index (it only moves past this slot, or is repaired,
        // which rewrites every sequence and makes this CAS fail).
        ring.casSequence(index, marker, index + ring.capacity());
        return moved;
    }

    /** Whether the index anomaly seen at consumer index {@code index} has lasted the stall timeout. */
    private boolean anomalyPersisted(long index, long producer) {
        long now = nanoClock.getAsLong();
        if (anomalyIndex != index || anomalyProducer != producer) {
            anomalyIndex = index;
            anomalyProducer = producer;
            anomalySince = now;
            return false;
        }
        if (now - anomalySince < stallTimeoutNanos) {
            return false;
        }
        anomalyIndex = -1;
        return true;
    }

    /** Slots this consumer skipped as stalled. Read by the consumer's thread or after it stopped. */
    public long skipped() {
        return skipped;
    }

    /** Corrupt indices or sequences this consumer repaired. Read by the consumer's thread. */
    public long repairs() {
        return repairs;
    }
}
