package io.concurrentkvs.core.internal.client;

import static io.concurrentkvs.core.internal.layout.ResponseSlotDescriptor.TICKET_DONE;
import static io.concurrentkvs.core.internal.layout.ResponseSlotDescriptor.ticket;

import io.concurrentkvs.core.KvsException;
import io.concurrentkvs.core.internal.layout.ResponseSlots;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One batch of requests sent in one ring slot, answered in one run of response slots: the state
 * machine of the run's lifetime on the client.
 *
 * <pre>
 *   IN_FLIGHT --(answers seen DONE; CAS)--------------------------&gt; COMPLETING --&gt; RETIRED
 *   IN_FLIGHT --(every request done, ticket CAS ARMED-&gt;FREE; CAS)--&gt; COMPLETING --&gt; RETIRED
 *   IN_FLIGHT --(every request done, a worker is writing; CAS)-----&gt; COMPLETING --&gt; DRAINING
 *   DRAINING  --(answers land, or the drain deadline passes)------------------------&gt; RETIRED
 * </pre>
 *
 * The CAS out of IN_FLIGHT gives one thread the right to read the run: the poller, which completes
 * answered batches; or a thread waiting on the future of a batch's only request
 * ({@link #tryTakeAlone}). A RETIRED batch's run may be reused; only the {@link Dispatcher} that
 * owns the run does that. Each request is completed through its own future, so a request that timed out
 * or was cancelled meanwhile simply ignores its answer.
 *
 * <p>A waiting thread holds no drive token: it reads the run only inside its session's {@link #guard}
 * (see {@link MappingGuard}), and completes the request only after leaving it, so that no application
 * callback runs while the mapping is pinned. The poller needs no guard: it retires a mapping only once it
 * has completed every batch it took from it.
 */
final class Batch implements ResponseSlots.AnswerSink {
    static final int IN_FLIGHT = 0;
    static final int COMPLETING = 1;
    static final int DRAINING = 2;
    static final int RETIRED = 3;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Batch.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final long id;
    final int firstSlot;
    final int count;
    final RequestFuture<?>[] requests;
    private final ResponseSlots responses;
    /** Guards the mapping of {@link #responses} for a waiting thread ({@link #tryTakeAlone}). */
    final MappingGuard guard;

    private final int client;
    /** The dispatcher's count of slots held by batches not yet retired; this batch leaves it on retiring. */
    private final AtomicInteger activeSlots;

    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;

    /**
     * Set by the sender when the run could not be armed (its ticket word kept changing): no answer can be
     * trusted, and the poller fails the requests. Written before the batch is published, by the drive
     * token's owner; read by the poller after taking the token.
     */
    boolean unarmed;

    /** When a DRAINING batch is given up on; written and read by the poller only. */
    long drainDeadlineNanos;

    /**
     * The answer a waiting thread took ({@link #tryTakeAlone}) and completes with once out of the guard
     * ({@link #completeTaken}); written and read by that thread only.
     */
    private boolean takenReadable;

    private int takenStatus;
    private byte[] takenValue;

    Batch(
            long id,
            int firstSlot,
            RequestFuture<?>[] requests,
            int count,
            ResponseSlots responses,
            MappingGuard guard,
            int client,
            AtomicInteger activeSlots) {
        this.id = id;
        this.firstSlot = firstSlot;
        this.count = count;
        this.requests = requests;
        this.responses = responses;
        this.guard = guard;
        this.client = client;
        this.activeSlots = activeSlots;
    }

    /** The end of every path: the run may be reused once its owner pops the batch. */
    private void retire() {
        state = RETIRED;
        activeSlots.addAndGet(-count);
    }

    int state() {
        return state;
    }

    boolean isRetired() {
        return state == RETIRED;
    }

    /** Whether the server has published this batch's answers. */
    boolean answered() {
        return responses.ticketOf(client, firstSlot) == ticket(id, TICKET_DONE);
    }

    boolean allDone() {
        for (int i = 0; i < count; i++) {
            if (!requests[i].isDone()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Takes the answer of a batch of one request once it has landed, on the thread waiting for that
     * request, which holds {@link #guard} (entered successfully) around this call. The run is free again
     * on return; the thread then leaves the guard and calls {@link #completeTaken}.
     *
     * @return true if this thread took the answer
     */
    boolean tryTakeAlone() {
        if (count != 1 || state != IN_FLIGHT || !answered() || !STATE.compareAndSet(this, IN_FLIGHT, COMPLETING)) {
            return false;
        }
        takenReadable = responses.readAnswers(client, firstSlot, id, 1, this);
        retire();
        return true;
    }

    /** Receives the answer {@link #tryTakeAlone} reads (a copy: it needs no mapping afterwards). */
    @Override
    public void accept(int position, int status, byte[] value) {
        takenStatus = status;
        takenValue = value;
    }

    /** Completes the request with the answer {@link #tryTakeAlone} took; touches no shared memory. */
    void completeTaken() {
        if (!takenReadable) {
            failCorrupt();
            return;
        }
        requests[0].completeFrom(takenStatus, takenValue);
        takenValue = null;
    }

    /**
     * Takes the right to complete the batch if its answers have landed and no other thread has taken it;
     * the caller then {@linkplain #complete completes} it. Poller only.
     */
    boolean tryBeginCompletion() {
        return state == IN_FLIGHT
                && !isLeftToItsWaiter()
                && answered()
                && STATE.compareAndSet(this, IN_FLIGHT, COMPLETING);
    }

    /** Whether this is a batch of one request whose waiting thread is completing it itself. */
    boolean isLeftToItsWaiter() {
        return count == 1 && requests[0].isSelfCompleting();
    }

    /**
     * Completes the requests from the answers, on this thread or on {@code completionExecutor}, and
     * retires the batch. Only after {@link #tryBeginCompletion} returned true; needs no drive token, since
     * the run stays held until the batch is retired.
     */
    void complete(Executor completionExecutor) {
        deliver(completionExecutor);
        retire();
    }

    /**
     * Gives the run up once every request is done (timed out or cancelled): frees it at once if no
     * worker has started answering, or waits for the answers a worker is writing. Poller only.
     *
     * @return true if the batch changed state
     */
    boolean tryAbandon(long drainDeadline) {
        if (state != IN_FLIGHT || !allDone() || !STATE.compareAndSet(this, IN_FLIGHT, COMPLETING)) {
            return false;
        }
        if (responses.cancel(client, firstSlot, id) || answered()) {
            retire();
        } else {
            drainDeadlineNanos = drainDeadline;
            state = DRAINING;
        }
        return true;
    }

    /**
     * Retires a DRAINING batch once its late answers landed, or once {@code now} passed its drain deadline
     * and no worker holds the run in WRITING (one that stalled mid-answer would write into the next
     * batch's run: the run stays out of use until that worker settles, or the session ends). Poller only.
     */
    boolean tryRetireDrained(long now) {
        if (state != DRAINING) {
            return false;
        }
        if (!answered() && (now - drainDeadlineNanos < 0 || responses.isBeingWritten(client, firstSlot, id))) {
            return false;
        }
        retire();
        return true;
    }

    /** Reads the answers and completes the requests, on this thread or on {@code executor}. */
    private void deliver(Executor executor) {
        if (executor == null) {
            if (!responses.readAnswers(
                    client, firstSlot, id, count, (i, status, value) -> requests[i].completeFrom(status, value))) {
                failCorrupt();
            }
            return;
        }
        int[] statuses = new int[count];
        byte[][] values = new byte[count][];
        boolean readable = responses.readAnswers(client, firstSlot, id, count, statuses, values);
        executor.execute(() -> {
            if (!readable) {
                failCorrupt();
                return;
            }
            for (int i = 0; i < count; i++) {
                requests[i].completeFrom(statuses[i], values[i]);
            }
        });
    }

    private void failCorrupt() {
        for (int i = 0; i < count; i++) {
            requests[i].completeExceptionally(new KvsException("corrupt answer to " + requests[i].describe()
                    + ": the answers of its batch do not fit their response slots or fail their seal (written by"
                    + " more than one process); the request may have been applied"));
        }
    }
}
