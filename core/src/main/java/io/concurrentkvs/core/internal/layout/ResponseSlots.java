package io.concurrentkvs.core.internal.layout;

import static io.concurrentkvs.core.internal.layout.ResponseSlotDescriptor.*;

import io.concurrentkvs.core.internal.memory.Memory;

/**
 * The response area: each client's block of response slots, answered a batch at a time in runs of
 * consecutive slots ({@link ResponseSlotDescriptor}).
 *
 * <p>Protocol of one run, per batch id {@code B}: the owning client {@linkplain #arm arms} the run's
 * first slot (ticket {@code B|ARMED}) before publishing the batch; a worker {@linkplain #beginAnswer
 * moves} it to {@code B|WRITING} by CAS, {@linkplain #putAnswer writes} the answers in request order,
 * then {@linkplain #publishAnswers publishes} {@code B|DONE} by CAS; the client reads the answers after
 * observing DONE with acquire, and reuses the run once it has read them. A client that gives up
 * {@linkplain #cancel cancels} by CAS from {@code B|ARMED} to FREE; if that CAS fails, the answers are
 * being written and the run must not be reused until DONE is seen ({@link #isBeingWritten}).
 *
 * <p>Every ticket transition is a CAS from the value its writer saw, {@linkplain #reset reset} and
 * {@link #arm} included, so no store silently undoes another's. A worker that stalled in WRITING past its
 * client's reap still writes its answers' bytes when it resumes; the run's {@linkplain AnswerSeal seal},
 * computed by each worker from its own buffers, lets the reader detect a run written by two hands and fail
 * the batch rather than deliver answers that were never sent to it.
 *
 * <p>Everything read back is validated: a run must lie inside its client's block, a reader checks every
 * answer's length against the run before copying it, and the seal over what it copied. Thread safety:
 * workers of the server and the owning client's driving thread (see {@code Dispatcher}); the per-thread
 * state of writing a run is the caller's {@link AnswerSeal}.
 */
public final class ResponseSlots {
    private final Memory memory;
    private final int clients;
    private final int slotsPerClient;
    private final int slotSize;
    private final int maxValueBytes;

    public ResponseSlots(Memory memory, int clients, int slotsPerClient, int slotSize, int maxValueBytes) {
        if (memory.capacity() < (long) clients * slotsPerClient * slotSize) {
            throw new IllegalArgumentException("memory too small for the response area");
        }
        if (slotSize < ResponseSlotDescriptor.slotSize(maxValueBytes)) {
            throw new IllegalArgumentException(
                    "response slot of " + slotSize + " bytes cannot hold an answer of " + maxValueBytes + " bytes");
        }
        this.memory = memory;
        this.clients = clients;
        this.slotsPerClient = slotsPerClient;
        this.slotSize = slotSize;
        this.maxValueBytes = maxValueBytes;
    }

    public int slotsPerClient() {
        return slotsPerClient;
    }

    public int maxValueBytes() {
        return maxValueBytes;
    }

    /** Whether the run of {@code count} slots from {@code first} lies inside {@code client}'s block. */
    public boolean isValidRun(int client, int first, int count) {
        return client >= 0 && client < clients && first >= 0 && count >= 1 && count <= slotsPerClient - first;
    }

    /** Offset of the run's first slot; the run's bytes are {@code [offset, offset + count * slotSize)}. */
    private long runOffset(int client, int first) {
        if (!isValidRun(client, first, 1)) {
            throw new IndexOutOfBoundsException("response slot (" + client + ", " + first + ") out of range");
        }
        return ((long) client * slotsPerClient + first) * slotSize;
    }

    /** End (exclusive) of the bytes a run of {@code count} slots from {@code first} may use. */
    private long runEnd(int client, int first, int count) {
        if (!isValidRun(client, first, count)) {
            throw new IndexOutOfBoundsException(
                    "response run (" + client + ", " + first + ", " + count + ") out of range");
        }
        return runOffset(client, first) + (long) count * slotSize;
    }

    /**
     * Sets every slot's ticket word of {@code client} to FREE, each by CAS from the value found. Called by a
     * client while registering, before it arms anything.
     *
     * @return how many words looked like a ticket in WRITING: a worker may still be writing a previous
     *     owner's run there (or the words hold answer bytes that look like one); either way the seal
     *     catches any later write into this owner's runs
     * @throws IllegalStateException if a word kept changing under us for {@value #ARM_ATTEMPTS} attempts
     *     (another process is writing into this block)
     */
    public int reset(int client) {
        int writing = 0;
        for (int s = 0; s < slotsPerClient; s++) {
            long offset = runOffset(client, s) + TICKET_OFFSET;
            long seen = freeTicket(offset);
            if (ticketState(seen) == TICKET_WRITING) {
                writing++;
            }
        }
        return writing;
    }

    /** CASes the word at {@code offset} to FREE from whatever it holds; returns what it held. */
    private long freeTicket(long offset) {
        for (int attempt = 0; attempt < ARM_ATTEMPTS; attempt++) {
            long seen = memory.getLongVolatile(offset);
            if (memory.compareAndSetLong(offset, seen, TICKET_FREE)) {
                return seen;
            }
        }
        throw new IllegalStateException("response slot word at " + offset + " kept changing under a reset");
    }

    // ---- client side

    /**
     * Arms the run starting at {@code first} for batch {@code batchId}, by CAS from the word found there
     * (a previous run's ticket, or answer bytes of a longer one); before the batch is published.
     *
     * @return false if the word kept changing under us for {@value #ARM_ATTEMPTS} attempts: another
     *     process is writing into this client's slots, and no answer to this batch can be trusted
     */
    public boolean arm(int client, int first, long batchId) {
        long offset = runOffset(client, first) + TICKET_OFFSET;
        long armed = ticket(batchId, TICKET_ARMED);
        for (int attempt = 0; attempt < ARM_ATTEMPTS; attempt++) {
            long seen = memory.getLongVolatile(offset);
            if (memory.compareAndSetLong(offset, seen, armed)) {
                return true;
            }
        }
        return false;
    }

    /** CAS attempts {@link #arm} makes before it reports the slot as contended. */
    public static final int ARM_ATTEMPTS = 64;

    /**
     * Whether a worker holds the run of {@code batchId} in WRITING: it won the right to answer and has not
     * published yet, so the run's bytes must not be handed to another batch.
     */
    public boolean isBeingWritten(int client, int first, long batchId) {
        return ticketOf(client, first) == ticket(batchId, TICKET_WRITING);
    }

    public long ticketOf(int client, int first) {
        return memory.getLongAcquire(runOffset(client, first) + TICKET_OFFSET);
    }

    /** Gives up waiting for {@code batchId}; false if its answers are already being written or done. */
    public boolean cancel(int client, int first, long batchId) {
        return memory.compareAndSetLong(
                runOffset(client, first) + TICKET_OFFSET, ticket(batchId, TICKET_ARMED), TICKET_FREE);
    }

    /**
     * Reads the answers of a run whose ticket was seen DONE for batch {@code batchId} of {@code count}
     * requests. Nothing is passed to {@code sink} unless the whole run checks out: the header, every
     * answer's length, and the seal over what was read.
     *
     * @return false if the run's header does not describe {@code count} answers that fit the run, or the
     *     seal does not match (the run was written by more than one hand)
     */
    public boolean readAnswers(int client, int first, long batchId, int count, AnswerSink sink) {
        int[] statuses = new int[count];
        byte[][] values = new byte[count][];
        if (!readAnswers(client, first, batchId, count, statuses, values)) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            sink.accept(i, statuses[i], values[i]);
        }
        return true;
    }

    /**
     * As {@link #readAnswers(int, int, long, int, AnswerSink)}, into {@code statuses[0, count)} and
     * {@code values[0, count)}; on false their contents mean nothing.
     */
    public boolean readAnswers(int client, int first, long batchId, int count, int[] statuses, byte[][] values) {
        long start = runOffset(client, first);
        long end = runEnd(client, first, count);
        if (memory.getInt(start + ANSWER_COUNT_OFFSET) != count) {
            return false;
        }
        int length = memory.getInt(start + ANSWERS_LENGTH_OFFSET);
        int seal = memory.getInt(start + SEAL_OFFSET);
        if (length < 0 || length > end - start - ANSWERS_OFFSET) {
            return false;
        }
        AnswerSeal check = new AnswerSeal();
        long at = start + ANSWERS_OFFSET;
        long limit = at + length;
        for (int i = 0; i < count; i++) {
            if (limit - at < ANSWER_HEADER_LENGTH) {
                return false;
            }
            int status = memory.getInt(at + ANSWER_STATUS_OFFSET);
            int valueLength = memory.getInt(at + ANSWER_VALUE_LENGTH_OFFSET);
            if (valueLength < 0 || valueLength > maxValueBytes || valueLength > limit - at - ANSWER_HEADER_LENGTH) {
                return false;
            }
            byte[] value = valueLength == 0 ? EMPTY : new byte[valueLength];
            memory.getBytes(at + ANSWER_HEADER_LENGTH, value, 0, valueLength);
            check.addAnswer(status, value, valueLength);
            statuses[i] = status;
            values[i] = value;
            at += answerLength(valueLength);
        }
        return check.finish(batchId, count, length) == seal;
    }

    /** Receives the answers of one run, in request order. */
    @FunctionalInterface
    public interface AnswerSink {
        void accept(int position, int status, byte[] value);
    }

    private static final byte[] EMPTY = new byte[0];

    // ---- server side

    /**
     * Takes the right to answer {@code batchId} and starts {@code seal} for its run; false if the client no
     * longer waits for it.
     */
    public boolean beginAnswer(int client, int first, long batchId, AnswerSeal seal) {
        seal.reset();
        return memory.compareAndSetLong(
                runOffset(client, first) + TICKET_OFFSET,
                ticket(batchId, TICKET_ARMED),
                ticket(batchId, TICKET_WRITING));
    }

    /** Offset of the first answer of the run starting at {@code first}: pass it to {@link #putAnswer}. */
    public long firstAnswer(int client, int first) {
        return runOffset(client, first) + ANSWERS_OFFSET;
    }

    /**
     * Writes one answer at {@code at} (from {@link #firstAnswer} or a previous call) into the run of
     * {@code count} slots from {@code first}, adding it to {@code seal}; only after {@link #beginAnswer}
     * returned true, with the seal it started.
     *
     * @return where the next answer goes
     */
    public long putAnswer(int client, int first, int count, long at, int status, byte[] value, AnswerSeal seal) {
        return putAnswer(client, first, count, at, status, value, value == null ? 0 : value.length, seal);
    }

    /** As {@link #putAnswer(int, int, int, long, int, byte[], AnswerSeal)}, with the value {@code value[0, valueLength)}. */
    public long putAnswer(
            int client, int first, int count, long at, int status, byte[] value, int valueLength, AnswerSeal seal) {
        if (at + answerLength(valueLength) > runEnd(client, first, count)) {
            throw new IndexOutOfBoundsException("answer overruns the run of " + count + " slots");
        }
        memory.putInt(at + ANSWER_STATUS_OFFSET, status);
        memory.putInt(at + ANSWER_VALUE_LENGTH_OFFSET, valueLength);
        if (valueLength > 0) {
            memory.putBytes(at + ANSWER_HEADER_LENGTH, value, 0, valueLength);
        }
        seal.addAnswer(status, value, valueLength);
        return at + answerLength(valueLength);
    }

    /**
     * Completes the run: writes its header for {@code count} answers ending at {@code end}, the seal, and
     * moves the ticket from WRITING to DONE by CAS (a ticket changed meanwhile by another process is left
     * alone).
     */
    public boolean publishAnswers(int client, int first, long batchId, int count, long end, AnswerSeal seal) {
        sealAnswers(client, first, batchId, count, end, seal);
        return completeAnswers(client, first, batchId);
    }

    /**
     * Writes the run's header for {@code count} answers ending at {@code end} and its seal, leaving the ticket
     * WRITING: the client goes on waiting until {@link #completeAnswers}. A server that may acknowledge only
     * once the writes are on disk seals the run at once (its seal covers the worker's own buffers, which are
     * reused) and completes it later.
     */
    public void sealAnswers(int client, int first, long batchId, int count, long end, AnswerSeal seal) {
        long start = runOffset(client, first);
        int length = (int) (end - start - ANSWERS_OFFSET);
        memory.putInt(start + ANSWER_COUNT_OFFSET, count);
        memory.putInt(start + ANSWERS_LENGTH_OFFSET, length);
        memory.putInt(start + SEAL_OFFSET, seal.finish(batchId, count, length));
        memory.putInt(start + RESERVED_OFFSET, 0);
    }

    /** Hands a sealed run to its client: its ticket from WRITING to DONE by CAS; false if it changed meanwhile. */
    public boolean completeAnswers(int client, int first, long batchId) {
        return memory.compareAndSetLong(
                runOffset(client, first) + TICKET_OFFSET,
                ticket(batchId, TICKET_WRITING),
                ticket(batchId, TICKET_DONE));
    }
}
