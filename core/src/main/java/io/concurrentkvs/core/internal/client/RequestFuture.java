package io.concurrentkvs.core.internal.client;

import io.concurrentkvs.core.KvsException;
import io.concurrentkvs.core.internal.layout.ResponseStatus;
import io.concurrentkvs.core.internal.metrics.RequestListener;
import io.concurrentkvs.core.internal.metrics.RequestListeners;
import io.concurrentkvs.core.internal.metrics.RequestOp;
import io.concurrentkvs.core.internal.metrics.RequestOutcome;
import io.concurrentkvs.core.internal.ring.Opcodes;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request and its future: what is needed to send it, to decode its answer, and when it times out.
 *
 * <p>Lifecycle: created by {@link ClientEngine#submit} and queued; taken into a {@link Batch} by the
 * connection's driving thread ({@link Dispatcher}), which records the batch here before publishing it;
 * completed exactly once, with its answer, a timeout, an error or a cancellation — the
 * {@code CompletableFuture} itself arbitrates, so whoever loses a race to complete it does nothing.
 *
 * <p>A thread that blocks in {@link #get()}, {@link #join()} or {@link #get(long, TimeUnit)} first spins
 * for a short while. If the request travels alone in its batch, the waiting thread reads its answer
 * itself when it lands, so a synchronous round trip costs no hand-off to the poller thread; otherwise
 * the poller completes it. Callbacks therefore run on the poller thread (or the connection's completion
 * executor), or on a thread waiting in this future's own {@code get}/{@code join}: never inside another
 * call of the application.
 *
 * <p><b>Listeners.</b> Every way a request ends passes through {@link #completeFrom}, {@link #complete},
 * {@link #completeExceptionally} or {@link #cancel} here, and the {@code CompletableFuture} lets exactly
 * one of them complete it: that one tells the connection's {@link RequestListener}s, once, with the
 * outcome and the time since the call. With no listener, a completion costs one volatile read more and
 * reads no clock.
 */
public final class RequestFuture<T> extends CompletableFuture<T> {
    private static final Logger LOG = LoggerFactory.getLogger(RequestFuture.class);

    final int opcode;
    final byte[] key;
    final byte[] value;
    final ResponseDecoder<T> decoder;
    final long timeoutNanos;
    final long deadlineNanos;
    private final ClientEngine engine;
    /** The connection's listeners, told once when this request completes. */
    private final RequestListeners listeners;

    /** The batch this request was sent in; written once by the driving thread, before it publishes. */
    private volatile Batch batch;

    /**
     * True while a thread spins in {@code get}/{@code join} to complete this request itself: the poller
     * then leaves a batch of only this request to it instead of racing it (a poller that won the race
     * and was preempted would make the waiter park). Written by the waiting thread only.
     */
    private volatile boolean selfCompleting;

    RequestFuture(
            ClientEngine engine,
            RequestListeners listeners,
            int opcode,
            byte[] key,
            byte[] value,
            ResponseDecoder<T> decoder,
            long timeoutNanos,
            long nowNanos) {
        this.engine = engine;
        this.listeners = listeners;
        this.opcode = opcode;
        this.key = key;
        this.value = value;
        this.decoder = decoder;
        this.timeoutNanos = timeoutNanos;
        this.deadlineNanos = nowNanos + timeoutNanos;
    }

    String describe() {
        return Opcodes.name(opcode);
    }

    int valueLength() {
        return value == null ? 0 : value.length;
    }

    void sentIn(Batch sent) {
        batch = sent;
    }

    /** Whether the request went into a batch (it may still wait for its answer). */
    boolean isSent() {
        return batch != null;
    }

    /** Decodes and completes; a decoding failure completes exceptionally. Returns false if already done. */
    boolean completeFrom(int status, byte[] answer) {
        RequestListener listener = listeners.current();
        T result;
        try {
            result = decoder.decode(status, answer);
        } catch (RuntimeException e) {
            long end = listener == null ? 0 : System.nanoTime();
            boolean completed = super.completeExceptionally(
                    e instanceof KvsException
                            ? e
                            : new KvsException("cannot decode the answer to " + describe() + ": " + e, e));
            return reported(completed, listener, failedAnswerOutcome(status), end);
        }
        long end = listener == null ? 0 : System.nanoTime();
        return reported(super.complete(result), listener, answerOutcome(status), end);
    }

    @Override
    public boolean complete(T value) {
        RequestListener listener = listeners.current();
        if (listener == null) {
            return super.complete(value);
        }
        long end = System.nanoTime();
        return reported(super.complete(value), listener, RequestOutcome.SUCCESS, end);
    }

    @Override
    public boolean completeExceptionally(Throwable failure) {
        RequestListener listener = listeners.current();
        if (listener == null) {
            return super.completeExceptionally(failure);
        }
        long end = System.nanoTime();
        return reported(super.completeExceptionally(failure), listener, RequestOutcome.ofFailure(failure), end);
    }

    /**
     * Tells {@code listener} (if any) of this request's end when this thread's call completed it; taken
     * after the completion, so that it runs after the future's callbacks, timed before them.
     */
    private boolean reported(boolean completed, RequestListener listener, RequestOutcome outcome, long endNanos) {
        if (completed && listener != null) {
            try {
                listener.requestCompleted(
                        RequestOp.ofOpcode(opcode), outcome, endNanos - (deadlineNanos - timeoutNanos));
            } catch (RuntimeException e) {
                // The request is complete already; a metric must not break the thread completing requests.
                LOG.warn("a request listener failed on {}; ignored", describe(), e);
            }
        }
        return completed;
    }

    /** The outcome of an answer the decoder accepted. */
    private static RequestOutcome answerOutcome(int status) {
        switch (status) {
            case ResponseStatus.FOUND:
                return RequestOutcome.HIT;
            case ResponseStatus.ABSENT:
                return RequestOutcome.MISS;
            default:
                return RequestOutcome.SUCCESS;
        }
    }

    /** The outcome of an answer the decoder turned into a failure (an error status, or a codec failure). */
    private static RequestOutcome failedAnswerOutcome(int status) {
        switch (status) {
            case ResponseStatus.CAPACITY:
                return RequestOutcome.CAPACITY;
            case ResponseStatus.REFUSED:
                return RequestOutcome.REFUSED;
            case ResponseStatus.UNAVAILABLE:
                return RequestOutcome.UNAVAILABLE;
            default:
                return RequestOutcome.ERROR;
        }
    }

    private void helpWhileSpinning() {
        long spinNanos = engine.syncSpinNanos();
        if (spinNanos <= 0 || isDone()) {
            return;
        }
        // Measured from when the request was made, which saves reading the clock (~30 ns here) on the
        // synchronous path; a caller that waits later spins less.
        long spinDeadline = deadlineNanos - timeoutNanos + spinNanos;
        int polls = 0;
        // Entered once for the whole spin, not per poll: this thread reads the answer without the drive
        // token, so the mapping must stay mapped while it looks (see MappingGuard).
        MappingGuard guard = null;
        Batch taken = null;
        selfCompleting = true;
        try {
            while (!isDone()) {
                Batch sent = batch;
                if (sent != null) {
                    if (guard == null) {
                        if (!sent.guard.enter()) {
                            // Retired: the session was abandoned and this request failed (or is failing).
                            break;
                        }
                        guard = sent.guard;
                    }
                    if (sent.tryTakeAlone()) {
                        taken = sent;
                        break;
                    }
                }
                if ((++polls & 15) == 0 && System.nanoTime() - spinDeadline > 0) {
                    break;
                }
                Thread.onSpinWait();
            }
        } finally {
            selfCompleting = false;
            if (guard != null) {
                guard.exit();
            }
        }
        if (taken != null) {
            // Out of the guard: callbacks run here may take long, or close the connection.
            taken.completeTaken();
            return;
        }
        if (!isDone()) {
            // Not answered while spinning: the poller completes it from now on; make sure it is awake.
            engine.wakePoller();
        }
    }

    boolean isSelfCompleting() {
        return selfCompleting;
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        helpWhileSpinning();
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        helpWhileSpinning();
        return super.get(timeout, unit);
    }

    @Override
    public T join() {
        helpWhileSpinning();
        return super.join();
    }

    /**
     * Cancels the request: the future completes with a {@link java.util.concurrent.CancellationException}
     * and its response slots are freed once every request of its batch is done (a late answer is dropped).
     * A request not yet sent is never sent. A write already applied by the server is not undone.
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        // CompletableFuture.cancel completes with a CancellationException result, and so does this (so
        // isCancelled() holds), but through completeExceptionally, which says whether this call won and
        // tells the listeners once; super.cancel also answers true to a second cancel.
        boolean cancelled = completeExceptionally(new CancellationException());
        if (cancelled) {
            engine.requestCancelled();
        }
        return cancelled || isCancelled();
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }
}
