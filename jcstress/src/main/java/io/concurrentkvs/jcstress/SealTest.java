package io.concurrentkvs.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.concurrentkvs.core.internal.ring.RequestRing;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * The batch seal ({@code BatchFormat.seal} / {@code copyIfSealed}) against a writer that rewrites a slot
 * while a worker copies it. The worker only ever parses its checked copy, so what matters is which
 * copies pass the check. Thread safety of the tests: each state is one ring slot written by one actor
 * and copied by the other, with no ring protocol between them (that is the point: the writer is a
 * producer that was skipped, or otherwise no longer owns the slot).
 *
 * <p>A torn copy passes only by a CRC32C collision (2<sup>-32</sup> per distinct torn image), which
 * these tests treat as impossible.
 */
public final class SealTest {
    private SealTest() {}

    private static final int CAPACITY = 2;
    private static final byte A = 17;
    private static final byte B = 34;

    /**
     * Issue 14 item 1: slot 0 holds the batch sealed for index 2 (lap 1), which a worker has taken and
     * copies, while the producer of index 0 (lap 0), frozen after its claim and skipped, resumes and
     * writes its own batch into the same slot. The worker gets lap 1's whole batch or rejects the copy;
     * it never accepts the frozen producer's batch, or a hybrid of the two, as index 2's. Result: the
     * tag of the accepted copy (34 lap 1's batch, 17 the frozen producer's, -1 mixed), or 0 if rejected.
     */
    @JCStressTest
    @Description("A skipped producer writing on cannot make a batch that passes for the next lap's")
    @Outcome(id = "34", expect = ACCEPTABLE, desc = "the copy is lap 1's whole batch")
    @Outcome(
            id = "0",
            expect = ACCEPTABLE,
            desc = "the copy was torn by the frozen producer and rejected (dropped, counted)")
    @Outcome(id = "17", expect = FORBIDDEN, desc = "the frozen producer's batch accepted as index 2's")
    @Outcome(expect = FORBIDDEN, desc = "a hybrid of the two batches accepted")
    @State
    public static class FrozenProducerVersusNextLap {
        private final RequestRing ring = Rings.newRing(CAPACITY);

        public FrozenProducerVersusNextLap() {
            Rings.writeBatch(ring, CAPACITY, 2, B);
        }

        @Actor
        public void frozenProducerResumes() {
            Rings.writeBatch(ring, 0, 1, A);
        }

        @Actor
        public void worker(I_Result r) {
            r.r1 = Rings.readBatch(ring, CAPACITY);
        }
    }

    /**
     * A writer rewrites a sealed batch with another batch sealed for the same index while a worker copies
     * the slot: the worker rejects the copy or gets one writer's whole batch, never a mix. Result as in
     * {@link FrozenProducerVersusNextLap}.
     */
    @JCStressTest
    @Description("A copy that passes the seal is one writer's whole batch")
    @Outcome(id = "17", expect = ACCEPTABLE, desc = "the copy is the old batch, whole")
    @Outcome(id = "34", expect = ACCEPTABLE, desc = "the copy is the new batch, whole")
    @Outcome(id = "0", expect = ACCEPTABLE, desc = "the copy was torn and rejected")
    @Outcome(expect = FORBIDDEN, desc = "a mixed batch accepted")
    @State
    public static class RewriteSameIndex {
        private final RequestRing ring = Rings.newRing(CAPACITY);

        public RewriteSameIndex() {
            Rings.writeBatch(ring, 0, 1, A);
        }

        @Actor
        public void rewriter() {
            Rings.writeBatch(ring, 0, 2, B);
        }

        @Actor
        public void worker(I_Result r) {
            r.r1 = Rings.readBatch(ring, 0);
        }
    }
}
