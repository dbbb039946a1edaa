package io.concurrentkvs.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.concurrentkvs.core.internal.ring.RequestRing;
import io.concurrentkvs.core.internal.ring.RingConsumer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * A worker skipping a stalled slot, raced against what can happen to that slot meanwhile.
 *
 * <p>Each state builds the stall deterministically: a producer claims index 0 and stops; the worker's
 * first poll (in the constructor) starts timing it on a fake clock, which is then set past the stall
 * timeout, and the claimant is reported dead. The worker's next poll therefore skips the slot, unless
 * the slot changes under it. Thread safety of the tests: each state is one ring and one fake clock,
 * raced on by the two actors and then checked by the arbiter, which runs after both.
 */
public final class SkipTest {
    private SkipTest() {}

    private static final int CAPACITY = 2;
    private static final byte STALLED = 5;

    /**
     * Skip versus a late publish: the stalled producer wakes and publishes while the worker skips. Exactly
     * one of them wins the slot's sequence: either the publish succeeded and the batch is taken (by the
     * racing poll, or by the next one if the worker's skip CAS lost), or the publish was refused and the
     * slot was skipped. Afterwards the consumer index is past the slot, the slot is free for its next
     * lap, and a whole next lap is claimed, published and taken.
     *
     * <p>Results: r1 the late publish (1 succeeded); r2 who took the batch (0 nobody, 1 the racing poll,
     * 2 the arbiter's poll, -1 a taken batch that was not the producer's whole batch); r3 the worker's
     * skip count; r4 1 if the ring was consistent afterwards and its next lap worked, else 0.
     */
    @JCStressTest
    @Description("A late publish and a skip of the same slot: exactly one wins, and the ring stays consistent")
    @Outcome(id = "1, 1, 0, 1", expect = ACCEPTABLE, desc = "published first; the racing poll took it")
    @Outcome(
            id = "1, 2, 0, 1",
            expect = ACCEPTABLE,
            desc = "published while the worker was about to skip; its skip CAS lost, the next poll took it")
    @Outcome(
            id = "0, 0, 1, 1",
            expect = ACCEPTABLE,
            desc = "skipped first; the late publish was refused (the producer re-sends)")
    @Outcome(
            id = "1, .*, 1, .*",
            expect = FORBIDDEN,
            desc = "both: the publish succeeded and the slot was skipped (a lost or doubled request)")
    @Outcome(id = "0, 0, 0, .*", expect = FORBIDDEN, desc = "neither: refused but not skipped")
    @Outcome(
            expect = FORBIDDEN,
            desc = "anything else: a refused publish taken, a wrong batch, or a ring left inconsistent")
    @State
    public static class LatePublish {
        private final RequestRing ring = Rings.newRing(CAPACITY);
        private long now;
        private final RingConsumer worker = new RingConsumer(ring, Rings.STALL_NANOS, client -> false, () -> now);

        public LatePublish() {
            long index = ring.claim(STALLED);
            Rings.writeBatch(ring, index, STALLED, STALLED);
            worker.poll(); // the stall starts at 0
            now = Rings.STALL_NANOS + 1;
        }

        @Actor
        public void lateProducer(IIII_Result r) {
            r.r1 = ring.publish(0) ? 1 : 0;
        }

        @Actor
        public void skippingWorker(IIII_Result r) {
            r.r2 = takeStalled(1);
        }

        @Arbiter
        public void check(IIII_Result r) {
            if (r.r2 == 0) {
                r.r2 = takeStalled(2);
            }
            r.r3 = (int) worker.skipped();
            r.r4 = consistentAndNextLapWorks() ? 1 : 0;
        }

        private int takeStalled(int taker) {
            long index = worker.poll();
            if (index == RingConsumer.EMPTY) {
                return 0;
            }
            int tag = index == 0 ? Rings.readBatch(ring, index) : -1;
            ring.release(index);
            return tag == STALLED ? taker : -1;
        }

        private boolean consistentAndNextLapWorks() {
            if (Rings.consumerIndex(ring) != 1
                    || Rings.producerIndex(ring) != 1
                    || Rings.sequence(ring, 0) != CAPACITY
                    || worker.poll() != RingConsumer.EMPTY) {
                return false;
            }
            for (long index = 1; index <= CAPACITY; index++) {
                if (ring.claim(1) != index) {
                    return false;
                }
                Rings.writeBatch(ring, index, 1, (byte) index);
                if (!ring.publish(index)) {
                    return false;
                }
            }
            for (long index = 1; index <= CAPACITY; index++) {
                if (worker.poll() != index || Rings.readBatch(ring, index) != index) {
                    return false;
                }
                ring.release(index);
            }
            return worker.poll() == RingConsumer.EMPTY && worker.repairs() == 0;
        }
    }

    /**
     * Skip versus a producer waiting on a full ring (issue 14 item 2): the ring holds the stalled index 0
     * and a published index 1, and a producer tries to claim index 2 (slot 0's next lap) while the
     * worker skips index 0. The producer may only get index 2 once the consumer index has moved past 0:
     * otherwise, for an instant, more is claimed than the ring holds ({@code producer − consumer >
     * capacity}), which a second worker takes for corrupt indices and repairs, discarding published
     * batches. The producer reads the consumer index right after its claim: since that index only grows,
     * reading 0 proves the claim happened while it was 0.
     *
     * <p>Results: r1 the worker's skip count; r2 the producer's claim (0 full, so it retries later; 1
     * claimed after the consumer index moved; 3 claimed while the consumer index was still 0; 4 claimed
     * but its publish refused); r3 the tags a second worker then takes, {@code 10 * first + second} (12:
     * index 1's batch and the producer's, each once), plus 100 if a third poll was not empty; r4 the
     * repairs both workers counted.
     */
    @JCStressTest
    @Description("A skip never lets a producer on a full ring claim more than the ring holds")
    @Outcome(id = "1, 0, 12, 0", expect = ACCEPTABLE, desc = "the producer found the ring full, retried after the skip")
    @Outcome(
            id = "1, 1, 12, 0",
            expect = ACCEPTABLE,
            desc = "the producer claimed the next lap after the consumer index moved")
    @Outcome(
            id = "1, 3, .*",
            expect = FORBIDDEN,
            desc = "claimed the next lap while the consumer index was still on the skipped slot")
    @Outcome(expect = FORBIDDEN, desc = "anything else: a lost or doubled batch, a repair, a refused publish")
    @State
    public static class FullRingClaim {
        private final RequestRing ring = Rings.newRing(CAPACITY);
        private long now;
        private final RingConsumer skipper = new RingConsumer(ring, Rings.STALL_NANOS, client -> false, () -> now);
        private final RingConsumer other = new RingConsumer(ring, Rings.STALL_NANOS, client -> false, () -> now);

        public FullRingClaim() {
            long stalled = ring.claim(STALLED);
            Rings.writeBatch(ring, stalled, STALLED, STALLED);
            ConcurrentClaimTest.offer(ring, (byte) 1);
            skipper.poll(); // the stall starts at 0
            now = Rings.STALL_NANOS + 1;
        }

        @Actor
        public void skippingWorker(IIII_Result r) {
            skipper.poll();
            r.r1 = (int) skipper.skipped();
        }

        @Actor
        public void waitingProducer(IIII_Result r) {
            long index = ring.claim(2);
            if (index == RequestRing.FULL) {
                return;
            }
            long consumer = Rings.consumerIndex(ring);
            Rings.writeBatch(ring, index, 2, (byte) 2);
            if (!ring.publish(index)) {
                r.r2 = 4;
            } else {
                r.r2 = index == 2 && consumer > index - CAPACITY ? 1 : 3;
            }
        }

        @Arbiter
        public void check(IIII_Result r) {
            if (r.r2 == 0 && ConcurrentClaimTest.offer(ring, (byte) 2) != 2) {
                r.r2 = -1;
            }
            r.r3 = 10 * ConcurrentClaimTest.take(ring, other) + ConcurrentClaimTest.take(ring, other);
            if (other.poll() != RingConsumer.EMPTY) {
                r.r3 += 100;
            }
            r.r4 = (int) (skipper.repairs() + other.repairs());
        }
    }
}
