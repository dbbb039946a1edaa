package io.concurrentkvs.core.internal.layout;

/**
 * Layout of the response area. Client {@code c} owns slots {@code c * slotsPerClient ...} of it; no
 * other client ever arms them. A batch of {@code n} requests is answered in a <em>run</em> of {@code n}
 * consecutive slots of its client, starting at the batch's first response slot; the run's bytes are
 * contiguous, and its answers are packed from the start of the run, so a batch of small answers touches
 * only its first cache lines.
 *
 * <pre>
 *  run (n * slotSize bytes, the ticket in its first slot):
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |  Ticket (64): batch id &lt;&lt; 2 | ticket state                     |  0  CAS only
 *  +---------------------------------------------------------------+
 *  |  Answer count (= the batch's request count)                    |  8
 *  |  Answers length: bytes of answers from 24                      | 12
 *  +---------------------------------------------------------------+
 *  |  Seal: CRC32C of the answers, batch id, count, length          | 16
 *  |  Reserved (0)                                                  | 20
 *  +---------------------------------------------------------------+
 *  |  Answers, back to back, in request order ...                   | 24
 *  +---------------------------------------------------------------+
 *
 *  answer (8-byte aligned; the next answer starts at roundUp8(8 + value length)):
 *  +---------------------------------------------------------------+
 *  |  Status ({@link ResponseStatus})                               |  0
 *  |  Value length (FOUND only; else 0)                             |  4
 *  |  Value bytes ...                                               |  8
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * Ticket states: FREE (0), ARMED (1: the client waits for this batch id), WRITING (2: a worker won the
 * CAS from ARMED and is writing the answers), DONE (3: answers complete, published by CAS from WRITING).
 * Only the worker that moved ARMED to WRITING for the same batch id may write answers; a client that
 * gives up moves ARMED to FREE by CAS, so a late worker finds nothing to write into. Every transition of
 * a ticket is a CAS from the value its writer saw. The {@linkplain AnswerSeal seal} lets the client detect
 * a run written by more than one hand (a worker that stalled in WRITING past its client's reap). A slot
 * is sized so that {@code n} answers of the largest value always fit in a run of {@code n} slots.
 */
public final class ResponseSlotDescriptor {
    /** The run's ticket word, in its first slot. */
    public static final int TICKET_OFFSET = 0;
    /** How many answers follow. */
    public static final int ANSWER_COUNT_OFFSET = 8;
    /** How many bytes of answers follow the run header. */
    public static final int ANSWERS_LENGTH_OFFSET = 12;
    /** The run's {@linkplain AnswerSeal seal}. */
    public static final int SEAL_OFFSET = 16;
    /** Reserved, written 0. */
    public static final int RESERVED_OFFSET = 20;
    /** Where the first answer starts. */
    public static final int ANSWERS_OFFSET = 24;

    /** An answer's status. */
    public static final int ANSWER_STATUS_OFFSET = 0;
    /** An answer's value length. */
    public static final int ANSWER_VALUE_LENGTH_OFFSET = 4;
    /** Where an answer's value bytes start. */
    public static final int ANSWER_HEADER_LENGTH = 8;
    /** Answers start on this alignment. */
    public static final int ANSWER_ALIGNMENT = 8;

    /** Slot sizes are rounded up to this so that runs start on their own cache line. */
    public static final int SLOT_ALIGNMENT = 64;

    public static final long TICKET_FREE = 0;
    public static final int TICKET_ARMED = 1;
    public static final int TICKET_WRITING = 2;
    public static final int TICKET_DONE = 3;

    /** Largest batch id a ticket can carry (62 bits). */
    public static final long MAX_REQUEST_ID = (1L << 62) - 1;

    private ResponseSlotDescriptor() {}

    public static long ticket(long batchId, int ticketState) {
        return (batchId << 2) | ticketState;
    }

    public static int ticketState(long ticket) {
        return (int) (ticket & 3);
    }

    public static long ticketRequestId(long ticket) {
        return ticket >>> 2;
    }

    /** Bytes one answer with a value of {@code valueLength} takes, alignment included. */
    public static int answerLength(int valueLength) {
        return (ANSWER_HEADER_LENGTH + valueLength + ANSWER_ALIGNMENT - 1) & -ANSWER_ALIGNMENT;
    }

    /** The slot size for which a run of n slots holds the run header and n answers of the largest value. */
    public static int slotSize(int maxValueBytes) {
        long raw = (long) ANSWERS_OFFSET + ANSWER_HEADER_LENGTH + maxValueBytes + ANSWER_ALIGNMENT;
        long aligned = (raw + SLOT_ALIGNMENT - 1) & -SLOT_ALIGNMENT;
        if (aligned > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("response slot too large: " + aligned);
        }
        return (int) aligned;
    }
}
