package io.concurrentkvs.core.internal.ring;

import static io.concurrentkvs.core.internal.ring.RequestRingDescriptor.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.concurrentkvs.core.internal.memory.HeapMemory;
import io.concurrentkvs.core.internal.memory.InterceptingMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A skip must be ordered like a consume: the slot is freed for the next lap only after the consumer
 * index has moved past it. Otherwise a producer waiting on a full ring claims the next lap in between,
 * and a second worker, seeing more claimed than the ring holds, "repairs" the ring and discards every
 * published request. White-box: the second producer and the second worker act inside the skip, between
 * its two steps.
 */
class SkipOrderingTest {
    private static final int CAPACITY = 4;
    private static final int SLOT = RequestRingDescriptor.slotSize(8, 8);
    private static final long STALL = TimeUnit.SECONDS.toNanos(2);

    private final InterceptingMemory memory =
            new InterceptingMemory(new HeapMemory((int) RequestRingDescriptor.length(CAPACITY, SLOT)));
    private final RequestRing ring = new RequestRing(memory, CAPACITY, SLOT);
    private final AtomicLong clock = new AtomicLong();
    private final RingConsumer skipper = new RingConsumer(ring, STALL, client -> false, clock::get);
    private final RingConsumer other = new RingConsumer(ring, STALL, client -> false, clock::get);
    private final List<Long> delivered = new ArrayList<>();

    SkipOrderingTest() {
        ring.initialize();
    }

    private boolean offer(long value) {
        long index = ring.claim(1);
        if (index == RequestRing.FULL) {
            return false;
        }
        ring.memory().putLong(ring.slotOffset(index) + PAYLOAD_OFFSET, value);
        assertThat(ring.publish(index)).isTrue();
        return true;
    }

    private void drain(RingConsumer consumer) {
        long index;
        while ((index = consumer.poll()) != RingConsumer.EMPTY) {
            delivered.add(ring.memory().getLong(ring.slotOffset(index) + PAYLOAD_OFFSET));
            ring.release(index);
        }
    }

    @Test
    void aProducerAndAWorkerInsideASkipLoseNoPublishedRequest() {
        ring.claim(7); // index 0: its producer stalls and never publishes
        for (long v = 1; v < CAPACITY; v++) {
            assertThat(offer(v)).isTrue();
        }
        assertThat(skipper.poll()).isEqualTo(RingConsumer.EMPTY); // the stall starts
        clock.addAndGet(RingConsumer.HARD_STALL_FACTOR * STALL + 1);

        boolean[] offeredInside = new boolean[1];
        memory.beforeCas(CONSUMER_INDEX_OFFSET, () -> {
            // Inside the skip: a producer waiting on the full ring tries the next lap, and another worker
            // polls.
            offeredInside[0] = offer(CAPACITY);
            drain(other);
        });
        drain(skipper);
        assertThat(memory.isArmed()).as("the skip moved the consumer index").isFalse();
        if (!offeredInside[0]) {
            assertThat(offer(CAPACITY)).isTrue();
        }
        drain(skipper);
        drain(other);

        assertThat(skipper.repairs() + other.repairs()).as("ring repairs").isZero();
        assertThat(skipper.skipped() + other.skipped()).isEqualTo(1);
        assertThat(delivered).containsExactlyInAnyOrder(1L, 2L, 3L, (long) CAPACITY);
    }

    @Test
    void anIndexAnomalyIsRepairedOnlyWhenItPersistsForTheStallTimeout() {
        assertThat(offer(1)).isTrue();
        long producer = ring.producerIndex();
        ring.memory().putLongVolatile(PRODUCER_INDEX_OFFSET, producer + 10 * CAPACITY); // scribbled
        assertThat(skipper.poll()).as("a published request is still taken").isNotEqualTo(RingConsumer.EMPTY);
        ring.release(0);
        assertThat(skipper.poll()).isEqualTo(RingConsumer.EMPTY);
        assertThat(skipper.repairs()).as("not repaired at first sight").isZero();
        clock.addAndGet(STALL + 1);
        assertThat(skipper.poll()).isEqualTo(RingConsumer.EMPTY);
        assertThat(skipper.repairs()).isEqualTo(1);
        assertThat(offer(2)).isTrue();
        drain(skipper);
        assertThat(delivered).containsExactly(2L);
    }
}
