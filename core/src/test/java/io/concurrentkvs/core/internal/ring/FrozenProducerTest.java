package io.concurrentkvs.core.internal.ring;

import static io.concurrentkvs.core.internal.ring.RequestRingDescriptor.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.concurrentkvs.core.internal.memory.HeapMemory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A producer frozen after its claim (SIGSTOP, a long pause) is skipped; when it resumes it writes the rest
 * of its batch into the slot, which by then belongs to another client's batch of the next lap. White-box,
 * at every point of the producer's write: whatever the consumer accepts from that slot is exactly the
 * innocent batch, never a hybrid and never the frozen producer's; the frozen producer's publish fails.
 */
class FrozenProducerTest {
    private static final int CAPACITY = 4;
    private static final int SLOT = RequestRingDescriptor.slotSize(16, 64);
    private static final long STALL = TimeUnit.SECONDS.toNanos(2);

    private final RequestRing ring = newRing();
    private final AtomicLong clock = new AtomicLong();
    private final RingConsumer consumer = new RingConsumer(ring, STALL, client -> true, clock::get);

    private static RequestRing newRing() {
        RequestRing ring =
                new RequestRing(new HeapMemory((int) RequestRingDescriptor.length(CAPACITY, SLOT)), CAPACITY, SLOT);
        ring.initialize();
        return ring;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The steps of writing one batch of two SETs into the slot of {@code index}, in the dispatcher's order. */
    private List<Runnable> writeSteps(long index, long batchId, int client, String key, String value) {
        long slot = ring.slotOffset(index);
        long second = slot + PAYLOAD_OFFSET + recordLength(bytes(key + 1).length, bytes(value + 1).length);
        long end = second + recordLength(bytes(key + 2).length, bytes(value + 2).length);
        List<Runnable> steps = new ArrayList<>();
        steps.add(() -> BatchFormat.putRecord(
                ring.memory(), slot + PAYLOAD_OFFSET, Opcodes.SET, bytes(key + 1), bytes(value + 1)));
        steps.add(() -> BatchFormat.putRecord(ring.memory(), second, Opcodes.SET, bytes(key + 2), bytes(value + 2)));
        steps.add(() -> BatchFormat.putHeader(ring.memory(), slot, batchId, client, 0, 2, end));
        steps.add(() -> BatchFormat.seal(ring.memory(), slot, index, SLOT));
        return steps;
    }

    private byte[] slotBytes(long index) {
        byte[] copy = new byte[SLOT - BATCH_ID_OFFSET];
        ring.memory().getBytes(ring.slotOffset(index) + BATCH_ID_OFFSET, copy, 0, copy.length);
        return copy;
    }

    @ParameterizedTest(name = "frozen before step {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4})
    void aResumedProducerCannotMakeTheNextLapsBatchPassAsAnother(int frozenBefore) {
        long frozen = ring.claim(1);
        List<Runnable> frozenSteps = writeSteps(frozen, 0x0100_0000_0001L, 1, "frozen-key", "frozen-value");
        frozenSteps.subList(0, frozenBefore).forEach(Runnable::run);

        assertThat(consumer.poll()).isEqualTo(RingConsumer.EMPTY);
        clock.addAndGet(RingConsumer.HARD_STALL_FACTOR * STALL + 1);
        assertThat(consumer.poll()).isEqualTo(RingConsumer.EMPTY);
        assertThat(consumer.skipped()).isEqualTo(1);

        // Fill the ring up to the frozen slot's next lap, consuming as we go.
        for (long i = frozen + 1; i < frozen + CAPACITY; i++) {
            long index = ring.claim(2);
            writeSteps(index, 0x0200_0000_0000L + i, 2, "filler", "f").forEach(Runnable::run);
            assertThat(ring.publish(index)).isTrue();
            assertThat(consumer.poll()).isEqualTo(index);
            ring.release(index);
        }
        long innocent = ring.claim(3);
        assertThat(ring.slotOffset(innocent)).isEqualTo(ring.slotOffset(frozen));
        writeSteps(innocent, 0x0300_0000_0001L, 3, "innocent-key-longer", "iv").forEach(Runnable::run);
        byte[] innocentBatch = slotBytes(innocent);
        assertThat(ring.publish(innocent)).isTrue();

        // The frozen producer resumes: it finishes its writes, into what is now the innocent's slot.
        frozenSteps.subList(frozenBefore, frozenSteps.size()).forEach(Runnable::run);
        assertThat(ring.publish(frozen)).as("the skipped producer's publish").isFalse();
        if (frozenBefore < frozenSteps.size()) {
            assertThat(slotBytes(innocent))
                    .as("parsed in place, the slot would be a hybrid")
                    .isNotEqualTo(innocentBatch);
        }

        assertThat(consumer.poll()).isEqualTo(innocent);
        byte[] copy = new byte[SLOT];
        boolean accepted =
                BatchFormat.copyIfSealed(ring.memory(), ring.slotOffset(innocent), innocent, SLOT, copy, new CRC32C());
        ring.release(innocent);
        if (accepted) {
            byte[] header = Arrays.copyOfRange(copy, BATCH_ID_OFFSET, PAYLOAD_OFFSET);
            assertThat(header).isEqualTo(Arrays.copyOfRange(innocentBatch, 0, PAYLOAD_OFFSET - BATCH_ID_OFFSET));
        }
        assertThat(accepted)
                .as("a batch the frozen producer wrote into is rejected")
                .isEqualTo(frozenBefore == frozenSteps.size());
    }
}
