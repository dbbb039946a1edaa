package io.concurrentkvs.core.internal.layout;

import static io.concurrentkvs.core.internal.layout.ResponseSlotDescriptor.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.concurrentkvs.core.internal.memory.HeapMemory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseSlotsTest {
    private static final int MAX_VALUE = 16;
    private static final int SLOT = ResponseSlotDescriptor.slotSize(MAX_VALUE);
    private final HeapMemory memory = new HeapMemory(2 * 4 * SLOT);
    private final ResponseSlots slots = new ResponseSlots(memory, 2, 4, SLOT, MAX_VALUE);

    private record Answer(int position, int status, String value) {}

    private List<Answer> read(int client, int first, int count) {
        List<Answer> answers = new ArrayList<>();
        boolean ok = slots.readAnswers(client, first, count,
                (i, status, value) -> answers.add(new Answer(i, status, new String(value, StandardCharsets.UTF_8))));
        return ok ? answers : null;
    }

    private long answerAll(int client, int first, long batchId, int status, byte[]... values) {
        long at = slots.firstAnswer(client, first);
        for (byte[] value : values) {
            at = slots.putAnswer(client, first, values.length, at, status, value);
        }
        assertThat(slots.publishAnswers(client, first, batchId, values.length, at)).isTrue();
        return at;
    }

    @Test
    void anArmedRunReceivesItsAnswersInOrder() {
        slots.arm(1, 1, 77);
        assertThat(slots.beginAnswer(1, 1, 77)).isTrue();
        answerAll(1, 1, 77, ResponseStatus.FOUND, bytes("a"), bytes("hello"), bytes(""));
        assertThat(slots.ticketOf(1, 1)).isEqualTo(ticket(77, TICKET_DONE));
        assertThat(read(1, 1, 3)).containsExactly(new Answer(0, ResponseStatus.FOUND, "a"),
                new Answer(1, ResponseStatus.FOUND, "hello"), new Answer(2, ResponseStatus.FOUND, ""));
    }

    @Test
    void aRunOfNSlotsHoldsNAnswersOfTheLargestValue() {
        byte[] largest = new byte[MAX_VALUE];
        slots.arm(0, 0, 3);
        assertThat(slots.beginAnswer(0, 0, 3)).isTrue();
        answerAll(0, 0, 3, ResponseStatus.FOUND, largest, largest, largest, largest);
        assertThat(read(0, 0, 4)).hasSize(4);
        // The next client's block is untouched.
        assertThat(slots.ticketOf(1, 0)).isEqualTo(TICKET_FREE);
    }

    @Test
    void anAnswerForAnotherBatchIdIsRefused() {
        slots.arm(0, 0, 5);
        assertThat(slots.beginAnswer(0, 0, 4)).isFalse();
        assertThat(slots.ticketOf(0, 0)).isEqualTo(ticket(5, TICKET_ARMED));
    }

    @Test
    void aCancelledRunRefusesTheLateAnswer() {
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
    void publishingFailsIfTheTicketChangedWhileWriting() {
        slots.arm(0, 2, 9);
        assertThat(slots.beginAnswer(0, 2, 9)).isTrue();
        slots.arm(0, 2, 10); // another process scribbled the ticket
        long at = slots.putAnswer(0, 2, 1, slots.firstAnswer(0, 2), ResponseStatus.TRUE, null);
        assertThat(slots.publishAnswers(0, 2, 9, 1, at)).isFalse();
        assertThat(slots.ticketOf(0, 2)).isEqualTo(ticket(10, TICKET_ARMED));
    }

    @Test
    void answersNeverCrossClients() {
        slots.arm(0, 3, 11);
        slots.arm(1, 3, 11);
        assertThat(slots.beginAnswer(1, 3, 11)).isTrue();
        answerAll(1, 3, 11, ResponseStatus.TRUE, (byte[]) null);
        assertThat(slots.ticketOf(0, 3)).isEqualTo(ticket(11, TICKET_ARMED));
    }

    @Test
    void aRunHeaderThatDoesNotDescribeTheBatchReadsAsCorrupt() {
        slots.arm(0, 0, 1);
        assertThat(slots.beginAnswer(0, 0, 1)).isTrue();
        answerAll(0, 0, 1, ResponseStatus.FOUND, bytes("x"), bytes("y"));
        assertThat(read(0, 0, 3)).as("answer count differs from the batch's").isNull();
        memory.putInt(ANSWERS_LENGTH_OFFSET, 1 << 20);
        assertThat(read(0, 0, 2)).as("answers longer than the run").isNull();
        memory.putInt(ANSWERS_LENGTH_OFFSET, 2 * answerLength(1));
        memory.putInt(ANSWERS_OFFSET + ANSWER_VALUE_LENGTH_OFFSET, MAX_VALUE + 1);
        assertThat(read(0, 0, 2)).as("a value over the limit").isNull();
        memory.putInt(ANSWERS_OFFSET + ANSWER_VALUE_LENGTH_OFFSET, -1);
        assertThat(read(0, 0, 2)).as("a negative value length").isNull();
        memory.putInt(ANSWERS_LENGTH_OFFSET, 16);
        memory.putInt(ANSWERS_OFFSET + ANSWER_VALUE_LENGTH_OFFSET, 12);
        assertThat(read(0, 0, 2)).as("a value beyond the answers length").isNull();
    }

    @Test
    void runsOutsideTheClientsBlockAreInvalid() {
        assertThat(slots.isValidRun(2, 0, 1)).isFalse();
        assertThat(slots.isValidRun(0, 4, 1)).isFalse();
        assertThat(slots.isValidRun(-1, 0, 1)).isFalse();
        assertThat(slots.isValidRun(0, 2, 3)).isFalse();
        assertThat(slots.isValidRun(0, 0, 0)).isFalse();
        assertThat(slots.isValidRun(0, 1, Integer.MAX_VALUE)).isFalse();
        assertThat(slots.isValidRun(1, 0, 4)).isTrue();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
