package io.concurrentkvs.core.internal.ring;

import static io.concurrentkvs.core.internal.ring.RequestRingDescriptor.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.concurrentkvs.core.internal.memory.HeapMemory;
import io.concurrentkvs.core.internal.memory.Memory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RequestRingTest {
    private static final int CAPACITY = 8;
    private static final int SLOT = RequestRingDescriptor.slotSize(8, 8);
    private static final long STALL = TimeUnit.SECONDS.toNanos(2);

    private final RequestRing ring = newRing();
    private final AtomicLong clock = new AtomicLong();
    private final RingConsumer consumer = new RingConsumer(ring, STALL, client -> false, clock::get);

    private static RequestRing newRing() {
        Memory memory = new HeapMemory((int) RequestRingDescriptor.length(CAPACITY, SLOT));
        RequestRing ring = new RequestRing(memory, CAPACITY, SLOT);
        ring.initialize();
        return ring;
    }

    private void offer(long value) {
        long index = ring.claim(1);
        assertThat(index).isNotEqualTo(RequestRing.FULL);
        ring.memory().putLong(ring.slotOffset(index) + PAYLOAD_OFFSET, value);
        assertThat(ring.publish(index)).isTrue();
    }

    private long take() {
        long index = consumer.poll();
        assertThat(index).isNotEqualTo(RingConsumer.EMPTY);
        long value = ring.memory().getLong(ring.slotOffset(index) + PAYLOAD_OFFSET);
        ring.release(index);
        return value;
    }

    @Test
    void emptyRingPollsEmpty() {
        assertThat(consumer.poll()).isEqualTo(RingConsumer.EMPTY);
        assertThat(ring.depth()).isZero();
    }

    @Test
    void deliversInClaimOrderAcrossManyLaps() {
        for (long i = 0; i < CAPACITY * 50; i++) {
            offer(i);
            offer(i + 1_000_000);
            assertThat(take()).isEqualTo(i);
            assertThat(take()).isEqualTo(i + 1_000_000);
        }
        assertThat(consumer.poll()).isEqualTo(RingConsumer.EMPTY);
    }

    @Test
    void claimReportsFullOnlyWhenEverySlotHoldsAnUnconsumedRequest() {
        for (int i = 0; i < CAPACITY; i++) {
            offer(i);
        }
        assertThat(ring.depth()).isEqualTo(CAPACITY);
        assertThat(ring.claim(1)).isEqualTo(RequestRing.FULL);
        assertThat(take()).isZero();
        offer(99);
        assertThat(ring.claim(1)).isEqualTo(RequestRing.FULL);
    }

    @Test
    void claimedButUnpublishedSlotBlocksConsumersUntilTheStallTimeout() {
        long stuck = ring.claim(3);
        offer(7);
        assertThat(consumer.poll()).isEqualTo(RingConsumer.EMPTY);
        clock.addAndGet(STALL - 1);
        assertThat(consumer.poll()).isEqualTo(RingConsumer.EMPTY);
        clock.addAndGet(2);
        consumer.poll(); // skips the stalled slot
        assertThat(consumer.skipped()).isEqualTo(1);
        assertThat(take()).isEqualTo(7);
        // The slow producer finally publishes: it must learn it was skipped, not corrupt the next lap.
        assertThat(ring.publish(stuck)).isFalse();
        assertThat(consumer.poll()).isEqualTo(RingConsumer.EMPTY);
    }

    @Test
    void skippedSlotIsReusableByTheNextLap() {
        ring.claim(3);
        consumer.poll();
        clock.addAndGet(STALL + 1);
        consumer.poll();
        assertThat(consumer.skipped()).isEqualTo(1);
        for (int i = 0; i < CAPACITY * 3; i++) {
            offer(i);
            assertThat(take()).isEqualTo(i);
        }
    }

    @Test
    void aLiveClaimantIsWaitedForUntilTheHardStallLimit() {
        RingConsumer patient = new RingConsumer(ring, STALL, client -> client == 3, clock::get);
        ring.claim(3);
        patient.poll();
        clock.addAndGet(STALL + 1);
        patient.poll();
        assertThat(patient.skipped()).isZero();
        clock.addAndGet(RingConsumer.HARD_STALL_FACTOR * STALL);
        patient.poll();
        assertThat(patient.skipped()).isEqualTo(1);
    }

    @Test
    void aGarbageSequenceAtTheHeadIsSkippedAfterTheStallTimeout() {
        offer(1);
        offer(2);
        ring.memory().putLong(ring.slotOffset(0) + SEQUENCE_OFFSET, 0x5A5A5A5A5A5AL);
        assertThat(consumer.poll()).isEqualTo(RingConsumer.EMPTY);
        clock.addAndGet(RingConsumer.HARD_STALL_FACTOR * STALL + 1);
        consumer.poll();
        assertThat(consumer.skipped()).isEqualTo(1);
        assertThat(take()).isEqualTo(2);
    }

    @Test
    void claimRecordsTheClaimant() {
        long index = ring.claim(5);
        assertThat(ring.claimantOf(index)).isEqualTo(5);
        assertThat(ring.claimantOf(index + 1)).isEqualTo(-1);
    }
}
