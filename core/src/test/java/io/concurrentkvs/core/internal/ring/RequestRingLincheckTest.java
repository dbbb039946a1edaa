package io.concurrentkvs.core.internal.ring;

import static io.concurrentkvs.core.internal.ring.RequestRingDescriptor.PAYLOAD_OFFSET;

import io.concurrentkvs.core.internal.memory.HeapMemory;
import java.util.ArrayDeque;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of the request ring against a bounded FIFO queue, over heap memory in one process,
 * in both Lincheck modes: model checking explores interleavings at every shared access, stress mode runs
 * real threads (the only way to catch a missing barrier).
 *
 * <p>The test's {@code poll} waits while the head slot is claimed but unpublished, as JCTools'
 * {@code MpmcArrayQueue.poll} does; the server's {@link RingConsumer} returns instead and waits outside.
 * It answers "empty" from a consistent snapshot of both indices (see {@code poll}); likewise its
 * {@code offer} answers "full" only from such a snapshot, since {@link RequestRing#claim} may give up
 * early while a consumer is between taking and releasing a slot.
 */
@Param(name = "value", gen = IntGen.class, conf = "1:1000")
public class RequestRingLincheckTest {
    private static final int CAPACITY = 2;
    private static final int SLOT = RequestRingDescriptor.slotSize(8, 8);

    private final RequestRing ring;
    private final RingConsumer consumer;

    public RequestRingLincheckTest() {
        ring = new RequestRing(new HeapMemory((int) RequestRingDescriptor.length(CAPACITY, SLOT)), CAPACITY, SLOT);
        ring.initialize();
        consumer = new RingConsumer(ring, Long.MAX_VALUE / 8, c -> true, () -> 0L);
    }

    @Operation
    public boolean offer(@Param(name = "value") int value) {
        long index;
        while ((index = ring.claim(1)) == RequestRing.FULL) {
            // claim gives up after a bounded number of retries (a client retries later), also while a
            // consumer sits between taking a slot and releasing it; that is not "full". Full only if, at
            // one instant, capacity indices were claimed and not consumed (snapshot as in poll).
            long consumed = ring.consumerIndex();
            if (ring.producerIndex() - consumed >= CAPACITY && ring.consumerIndex() == consumed) {
                return false;
            }
            Thread.onSpinWait();
        }
        ring.memory().putInt(ring.slotOffset(index) + PAYLOAD_OFFSET, value);
        return ring.publish(index);
    }

    @Operation
    public Integer poll() {
        while (true) {
            long index = consumer.poll();
            if (index != RingConsumer.EMPTY) {
                int value = ring.memory().getInt(ring.slotOffset(index) + PAYLOAD_OFFSET);
                ring.release(index);
                return value;
            }
            // Empty only if, at one instant, nothing was claimed beyond the consumer index: the consumer
            // index is the same before and after reading the producer index (it only grows), so it had
            // that value when the producer index was read. Comparing two reads taken at different
            // times is not a linearizable emptiness check: a producer can claim and a consumer take in
            // between, and the queue was never empty.
            long consumed = ring.consumerIndex();
            if (ring.producerIndex() <= consumed && ring.consumerIndex() == consumed) {
                return null;
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions()
                .iterations(20)
                .invocationsPerIteration(500)
                .threads(2)
                .actorsPerThread(3)
                .sequentialSpecification(BoundedQueue.class)
                .check(getClass());
    }

    @Test
    void stress() {
        new StressOptions()
                .iterations(20)
                .invocationsPerIteration(1000)
                .threads(3)
                .actorsPerThread(3)
                .sequentialSpecification(BoundedQueue.class)
                .check(getClass());
    }

    /** The sequential specification: a FIFO queue of {@link #CAPACITY} elements. */
    public static final class BoundedQueue {
        private final ArrayDeque<Integer> queue = new ArrayDeque<>();

        public boolean offer(int value) {
            if (queue.size() == CAPACITY) {
                return false;
            }
            return queue.add(value);
        }

        public Integer poll() {
            return queue.poll();
        }
    }
}
