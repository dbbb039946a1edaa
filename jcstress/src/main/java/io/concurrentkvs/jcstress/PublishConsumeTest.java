package io.concurrentkvs.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.concurrentkvs.core.internal.ring.RequestRing;
import io.concurrentkvs.core.internal.ring.RingConsumer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Publish versus consume: a producer claims, writes and seals a batch and publishes it while a worker
 * polls. The worker sees either nothing or the whole new batch, sealed: never the previous lap's batch
 * left in the slot, a torn one, or a mix.
 *
 * <p>The ring has run one full lap first, so the slot the producer claims still holds an old, validly
 * sealed batch (tag 17): a consume that ran ahead of the producer's writes would read it.
 * Results: r1 the publish CAS (1 won), r2 whether the poll took the index, r3 the tag of the copy the
 * worker checked (34 the new batch, 17 the old one, -1 mixed, 0 seal rejected).
 */
@JCStressTest
@Description("A polled batch is always the producer's whole, sealed batch")
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "the worker polled before the publish: nothing taken")
@Outcome(id = "1, 1, 34", expect = ACCEPTABLE, desc = "the worker took the whole new batch")
@Outcome(id = "1, 1, 17", expect = FORBIDDEN, desc = "the worker took the index but read the previous lap's batch")
@Outcome(id = "1, 1, 0", expect = FORBIDDEN, desc = "a published batch failed its seal (read torn)")
@Outcome(expect = FORBIDDEN, desc = "anything else: a lost publish, a mixed batch, a take without a publish")
@State
public class PublishConsumeTest {
    private static final int CAPACITY = 2;
    private static final byte OLD = 17;
    private static final byte NEW = 34;

    private final RequestRing ring = Rings.newRing(CAPACITY);
    // The clock never moves: this worker never skips, it only takes what is published.
    private final RingConsumer worker = new RingConsumer(ring, Rings.STALL_NANOS, client -> true, () -> 0L);

    public PublishConsumeTest() {
        for (int lap0 = 0; lap0 < CAPACITY; lap0++) {
            long index = ring.claim(1);
            Rings.writeBatch(ring, index, 1, OLD);
            ring.publish(index);
            ring.release(worker.poll());
        }
    }

    @Actor
    public void producer(III_Result r) {
        long index = ring.claim(2);
        if (index == RequestRing.FULL) {
            r.r1 = -1;
            return;
        }
        Rings.writeBatch(ring, index, 2, NEW);
        r.r1 = ring.publish(index) ? 1 : 0;
    }

    @Actor
    public void worker(III_Result r) {
        long index = worker.poll();
        if (index == RingConsumer.EMPTY) {
            return;
        }
        r.r2 = 1;
        r.r3 = Rings.readBatch(ring, index);
        ring.release(index);
    }
}
