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

    private final AnswerSeal seal = new AnswerSeal();

    private record Answer(int position, int status, String value) {}

    private List<Answer> read(int client, int first, long batchId, int count) {
        List<Answer> answers = new ArrayList<>();
        boolean ok = slots.readAnswers(
                client,
                first,
                batchId,
                count,
                (i, status, value) -> answers.add(new Answer(i, status, new String(value, StandardCharsets.UTF_8))));
        return ok ? answers : null;
    }

    private long answerAll(int client, int first, long batchId, int status, byte[]... values) {
        long at = slots.firstAnswer(client, first);
        for (byte[] value : values) {
            at = slots.putAnswer(client, first, values.length, at, status, value, seal);
        }
        assertThat(slots.publishAnswers(client, first, batchId, values.length, at, seal))
                .isTrue();
        return at;
    }

    @Test
    void anArmedRunReceivesItsAnswersInOrder() {
        slots.arm(1, 1, 77);
        assertThat(slots.beginAnswer(1, 1, 77, seal)).isTrue();
        answerAll(1, 1, 77, ResponseStatus.FOUND, bytes("a"), bytes("hello"), bytes(""));
        assertThat(slots.ticketOf(1, 1)).isEqualTo(ticket(77, TICKET_DONE));
        assertThat(read(1, 1, 77, 3))
                .containsExactly(
                        new Answer(0, ResponseStatus.FOUND, "a"),
                        new Answer(1, ResponseStatus.FOUND, "hello"),
                        new Answer(2, ResponseStatus.FOUND, ""));
    }

    @Test
    void aRunOfNSlotsHoldsNAnswersOfTheLargestValue() {
        byte[] largest = new byte[MAX_VALUE];
        slots.arm(0, 0, 3);
        assertThat(slots.beginAnswer(0, 0, 3, seal)).isTrue();
        answerAll(0, 0, 3, ResponseStatus.FOUND, largest, largest, largest, largest);
        assertThat(read(0, 0, 3, 4)).hasSize(4);
        // The next client's block is untouched.
        assertThat(slots.ticketOf(1, 0)).isEqualTo(TICKET_FREE);
    }

    @Test
    void anAnswerForAnotherBatchIdIsRefused() {
        slots.arm(0, 0, 5);
        assertThat(slots.beginAnswer(0, 0, 4, seal)).isFalse();
        assertThat(slots.ticketOf(0, 0)).isEqualTo(ticket(5, TICKET_ARMED));
    }

    @Test
    void aCancelledRunRefusesTheLateAnswer() {
        slots.arm(0, 1, 9);
        assertThat(slots.cancel(0, 1, 9)).isTrue();
        assertThat(slots.beginAnswer(0, 1, 9, seal)).isFalse();
    }

    @Test
    void cancelFailsOnceAWorkerIsWriting() {
        slots.arm(0, 1, 9);
        assertThat(slots.beginAnswer(0, 1, 9, seal)).isTrue();
        assertThat(slots.cancel(0, 1, 9)).isFalse();
    }

    @Test
    void publishingFailsIfTheTicketChangedWhileWriting() {
        slots.arm(0, 2, 9);
        assertThat(slots.beginAnswer(0, 2, 9, seal)).isTrue();
        slots.arm(0, 2, 10); // another process scribbled the ticket
        long at = slots.putAnswer(0, 2, 1, slots.firstAnswer(0, 2), ResponseStatus.TRUE, null, seal);
        assertThat(slots.publishAnswers(0, 2, 9, 1, at, seal)).isFalse();
        assertThat(slots.ticketOf(0, 2)).isEqualTo(ticket(10, TICKET_ARMED));
    }

    @Test
    void answersNeverCrossClients() {
        slots.arm(0, 3, 11);
        slots.arm(1, 3, 11);
        assertThat(slots.beginAnswer(1, 3, 11, seal)).isTrue();
        answerAll(1, 3, 11, ResponseStatus.TRUE, (byte[]) null);
        assertThat(slots.ticketOf(0, 3)).isEqualTo(ticket(11, TICKET_ARMED));
    }

    @Test
    void aRunHeaderThatDoesNotDescribeTheBatchReadsAsCorrupt() {
        slots.arm(0, 0, 1);
        assertThat(slots.beginAnswer(0, 0, 1, seal)).isTrue();
        answerAll(0, 0, 1, ResponseStatus.FOUND, bytes("x"), bytes("y"));
        assertThat(read(0, 0, 1, 3)).as("answer count differs from the batch's").isNull();
        memory.putInt(ANSWERS_LENGTH_OFFSET, 1 << 20);
        assertThat(read(0, 0, 1, 2)).as("answers longer than the run").isNull();
        memory.putInt(ANSWERS_LENGTH_OFFSET, 2 * answerLength(1));
        memory.putInt(ANSWERS_OFFSET + ANSWER_VALUE_LENGTH_OFFSET, MAX_VALUE + 1);
        assertThat(read(0, 0, 1, 2)).as("a value over the limit").isNull();
        memory.putInt(ANSWERS_OFFSET + ANSWER_VALUE_LENGTH_OFFSET, -1);
        assertThat(read(0, 0, 1, 2)).as("a negative value length").isNull();
        memory.putInt(ANSWERS_LENGTH_OFFSET, 16);
        memory.putInt(ANSWERS_OFFSET + ANSWER_VALUE_LENGTH_OFFSET, 12);
        assertThat(read(0, 0, 1, 2)).as("a value beyond the answers length").isNull();
    }

    @Test
    void aRunWhoseBytesChangedAfterItsSealReadsAsCorrupt() {
        slots.arm(0, 0, 1);
        assertThat(slots.beginAnswer(0, 0, 1, seal)).isTrue();
        answerAll(0, 0, 1, ResponseStatus.FOUND, bytes("abc"));
        assertThat(read(0, 0, 1, 1)).containsExactly(new Answer(0, ResponseStatus.FOUND, "abc"));
        memory.putBytes(ANSWERS_OFFSET + ANSWER_HEADER_LENGTH, bytes("abd"), 0, 3);
        assertThat(read(0, 0, 1, 1)).as("a value byte changed after sealing").isNull();
        memory.putBytes(ANSWERS_OFFSET + ANSWER_HEADER_LENGTH, bytes("abc"), 0, 3);
        assertThat(read(0, 0, 2, 1)).as("sealed for another batch id").isNull();
    }

    /**
     * Item 6 of issue 14: a worker that won WRITING for the old owner's batch stalls; the entry's next owner
     * resets the block, arms a run over the same bytes and gets its answers; then the stalled worker
     * resumes and writes its answers. The new owner must never read the stale worker's answers as its own.
     */
    @Test
    void aStalledWorkersAnswersNeverReachTheEntrysNextOwner() {
        long oldBatch = RequestIds.of(1, 7);
        long newBatch = RequestIds.of(2, 1);
        AnswerSeal stalledSeal = new AnswerSeal();
        slots.arm(0, 0, oldBatch);
        assertThat(slots.beginAnswer(0, 0, oldBatch, stalledSeal)).isTrue();
        long stalledAt = slots.firstAnswer(0, 0);

        // The old owner is reaped; the next owner of the entry registers and resets the block.
        assertThat(slots.reset(0)).as("tickets found in WRITING").isEqualTo(1);
        assertThat(slots.arm(0, 0, newBatch)).isTrue();
        assertThat(slots.beginAnswer(0, 0, newBatch, seal)).isTrue();
        answerAll(0, 0, newBatch, ResponseStatus.FOUND, bytes("new"));

        // The stalled worker resumes: its answer lands on the new owner's bytes, its publish fails.
        stalledAt = slots.putAnswer(0, 0, 1, stalledAt, ResponseStatus.FOUND, bytes("old"), stalledSeal);
        assertThat(slots.publishAnswers(0, 0, oldBatch, 1, stalledAt, stalledSeal))
                .isFalse();
        assertThat(slots.ticketOf(0, 0)).isEqualTo(ticket(newBatch, TICKET_DONE));

        assertThat(read(0, 0, newBatch, 1))
                .as("the stale worker's answer landed on the new owner's run: refused as corrupt, never delivered")
                .isNull();
    }

    @Test
    void resetFreesEveryTicketByCompareAndSetAndCountsThoseInWriting() {
        slots.arm(1, 0, 4);
        slots.arm(1, 2, 5);
        assertThat(slots.beginAnswer(1, 2, 5, seal)).isTrue();
        assertThat(slots.reset(1)).isEqualTo(1);
        for (int s = 0; s < 4; s++) {
            assertThat(slots.ticketOf(1, s)).isEqualTo(TICKET_FREE);
        }
        assertThat(slots.isBeingWritten(1, 2, 5)).isFalse();
        long at = slots.putAnswer(1, 2, 1, slots.firstAnswer(1, 2), ResponseStatus.TRUE, null, seal);
        assertThat(slots.publishAnswers(1, 2, 5, 1, at, seal))
                .as("the reset took the run from the worker")
                .isFalse();
    }

    @Test
    void aRunIsBeingWrittenOnlyBetweenTheWorkersTwoCompareAndSets() {
        slots.arm(0, 1, 8);
        assertThat(slots.isBeingWritten(0, 1, 8)).isFalse();
        assertThat(slots.beginAnswer(0, 1, 8, seal)).isTrue();
        assertThat(slots.isBeingWritten(0, 1, 8)).isTrue();
        assertThat(slots.isBeingWritten(0, 1, 9)).as("another batch's id").isFalse();
        answerAll(0, 1, 8, ResponseStatus.TRUE, (byte[]) null);
        assertThat(slots.isBeingWritten(0, 1, 8)).isFalse();
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
