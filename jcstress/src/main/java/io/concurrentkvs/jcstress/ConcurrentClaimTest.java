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
 * Two producers claiming at once. Thread safety of the tests: each state is one ring, raced on by the
 * two actors and then drained by the arbiter, which runs after both.
 */
public final class ConcurrentClaimTest {
    private ConcurrentClaimTest() {}

    /** Claims, writes and publishes a batch tagged {@code tag}: the claimed index, or -2 if the publish failed. */
    static int offer(RequestRing ring, byte tag) {
        long index = ring.claim(tag);
        if (index == RequestRing.FULL) {
            return -1;
        }
        Rings.writeBatch(ring, index, tag, tag);
        return ring.publish(index) ? (int) index : -2;
    }

    /** Takes one batch: its tag (0 if its seal failed, -1 if mixed), or -9 if the ring was empty. */
    static int take(RequestRing ring, RingConsumer worker) {
        long index = worker.poll();
        if (index == RingConsumer.EMPTY) {
            return -9;
        }
        int tag = Rings.readBatch(ring, index);
        ring.release(index);
        return tag;
    }

    /**
     * On an empty ring both producers get distinct indices, and the worker then takes each batch exactly
     * once, in index order. Results: r1 and r2 the indices producers 1 and 2 claimed (and published),
     * r3 the tags of the first and second batch taken ({@code 10 * first + second}), r4 the tag a third
     * poll found (-9: empty).
     */
    @JCStressTest
    @Description("Concurrent claims get distinct indices; each batch is consumed exactly once")
    @Outcome(id = "0, 1, 12, -9", expect = ACCEPTABLE, desc = "producer 1 claimed first")
    @Outcome(id = "1, 0, 21, -9", expect = ACCEPTABLE, desc = "producer 2 claimed first")
    @Outcome(expect = FORBIDDEN, desc = "one index claimed twice, a publish lost, or a batch taken twice or not at all")
    @State
    public static class EmptyRing {
        private final RequestRing ring = Rings.newRing(2);
        private final RingConsumer worker = new RingConsumer(ring, Rings.STALL_NANOS, client -> true, () -> 0L);

        @Actor
        public void producer1(IIII_Result r) {
            r.r1 = offer(ring, (byte) 1);
        }

        @Actor
        public void producer2(IIII_Result r) {
            r.r2 = offer(ring, (byte) 2);
        }

        @Arbiter
        public void drain(IIII_Result r) {
            r.r3 = 10 * take(ring, worker) + take(ring, worker);
            r.r4 = take(ring, worker);
        }
    }

    /**
     * Two producers race for the last free slot of a ring whose other slot holds an unconsumed batch
     * (tag 9): exactly one gets index 1, the other is told the ring is full. Results as in
     * {@link EmptyRing}, with r3 the tags of the two batches taken ({@code 10 * first + second}).
     */
    @JCStressTest
    @Description("Of two producers racing for the last free slot exactly one gets it")
    @Outcome(id = "1, -1, 91, -9", expect = ACCEPTABLE, desc = "producer 1 got the slot, producer 2 saw the ring full")
    @Outcome(id = "-1, 1, 92, -9", expect = ACCEPTABLE, desc = "producer 2 got the slot, producer 1 saw the ring full")
    @Outcome(expect = FORBIDDEN, desc = "both or neither got the slot, or a batch was lost or taken twice")
    @State
    public static class LastSlot {
        private final RequestRing ring = Rings.newRing(2);
        private final RingConsumer worker = new RingConsumer(ring, Rings.STALL_NANOS, client -> true, () -> 0L);

        public LastSlot() {
            offer(ring, (byte) 9);
        }

        @Actor
        public void producer1(IIII_Result r) {
            r.r1 = offer(ring, (byte) 1);
        }

        @Actor
        public void producer2(IIII_Result r) {
            r.r2 = offer(ring, (byte) 2);
        }

        @Arbiter
        public void drain(IIII_Result r) {
            r.r3 = 10 * take(ring, worker) + take(ring, worker);
            r.r4 = take(ring, worker);
        }
    }
}
