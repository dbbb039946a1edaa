package io.concurrentkvs.core.internal.client;

import static io.concurrentkvs.core.internal.client.ResponseSlotDescriptor.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.concurrentkvs.core.internal.memory.HeapMemory;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseSlotsTest {
    private static final int SLOT = ResponseSlotDescriptor.slotSize(16);
    private final HeapMemory memory = new HeapMemory(2 * 4 * SLOT);
    private final ResponseSlots slots = new ResponseSlots(memory, 2, 4, SLOT, 16);

    @Test
    void anArmedSlotReceivesItsAnswer() {
        slots.arm(1, 2, 77);
        assertThat(slots.beginAnswer(1, 2, 77)).isTrue();
        slots.writeAnswer(1, 2, ResponseStatus.FOUND, "hello".getBytes(StandardCharsets.UTF_8));
        slots.publishAnswer(1, 2, 77);
        assertThat(slots.ticketOf(1, 2)).isEqualTo(ticket(77, TICKET_DONE));
        assertThat(slots.status(1, 2)).isEqualTo(ResponseStatus.FOUND);
        assertThat(new String(slots.readValue(1, 2, slots.valueLength(1, 2)), StandardCharsets.UTF_8))
                .isEqualTo("hello");
    }

    @Test
    void anAnswerForAnotherRequestIdIsRefused() {
        slots.arm(0, 0, 5);
        assertThat(slots.beginAnswer(0, 0, 4)).isFalse();
        assertThat(slots.ticketOf(0, 0)).isEqualTo(ticket(5, TICKET_ARMED));
    }

    @Test
    void aCancelledSlotRefusesTheLateAnswer() {
        slots.arm(0, 1, 9);
        assertThat(slots.cancel(0, 1, 9)).isTrue();
        assertThat(slots.beginAnswer(0, 1, 9)).isFalse();
    }

    @Test
    void cancelFailsOnceAWorkerIsWriting() {
        slots.arm(0, 1, 9);
        assertThat(slots.beginAnswer(0, 1, 9)).isTrue();
        assertThat(slots.cancel(0, 1, 9)).isFalse();
    }

    @Test
    void answersNeverCrossClients() {
        slots.arm(0, 3, 11);
        slots.arm(1, 3, 11);
        assertThat(slots.beginAnswer(1, 3, 11)).isTrue();
        slots.writeAnswer(1, 3, ResponseStatus.TRUE, null);
        slots.publishAnswer(1, 3, 11);
        assertThat(slots.ticketOf(0, 3)).isEqualTo(ticket(11, TICKET_ARMED));
    }

    @Test
    void aValueLengthOutsideTheLimitReadsAsInvalid() {
        memory.putInt(VALUE_LENGTH_OFFSET, 17);
        assertThat(slots.valueLength(0, 0)).isEqualTo(-1);
        memory.putInt(VALUE_LENGTH_OFFSET, -5);
        assertThat(slots.valueLength(0, 0)).isEqualTo(-1);
        memory.putInt(VALUE_LENGTH_OFFSET, 16);
        assertThat(slots.valueLength(0, 0)).isEqualTo(16);
    }

    @Test
    void slotIndicesOutsideTheAreaAreInvalid() {
        assertThat(slots.isValid(2, 0)).isFalse();
        assertThat(slots.isValid(0, 4)).isFalse();
        assertThat(slots.isValid(-1, 0)).isFalse();
        assertThat(slots.isValid(1, 3)).isTrue();
    }
}
