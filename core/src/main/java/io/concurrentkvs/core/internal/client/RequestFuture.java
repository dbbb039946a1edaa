package io.concurrentkvs.core.internal.client;

import io.concurrentkvs.core.KvsException;
import io.concurrentkvs.core.internal.ring.Opcodes;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The future of one request, carrying what is needed to send it and to decode its answer.
 *
 * <p>A thread that blocks in {@link #get()}, {@link #join()} or {@link #get(long, TimeUnit)} first spins
 * for a short while polling the request's own response slot, completing the request itself when the
 * answer is there: a synchronous round trip then costs no park/unpark hand-off with the poller. Only if
 * no answer arrives within the spin does the thread park as usual. Dependent stages run on whichever
 * thread completes the future: the poller, or such a waiting thread.
 */
public final class RequestFuture<T> extends CompletableFuture<T> {
    final int opcode;
    final byte[] key;
    final byte[] value;
    final ResponseDecoder<T> decoder;
    final long timeoutNanos;
    final long deadlineNanos;
    private final ClientEngine engine;

    /** The slot the request was sent with, and its id; set once sent. */
    volatile PendingRequest pending;

    volatile long requestId;

    RequestFuture(ClientEngine engine, int opcode, byte[] key, byte[] value, ResponseDecoder<T> decoder,
            long timeoutNanos, long nowNanos) {
        this.engine = engine;
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

    /** Decodes and completes; a decoding failure completes exceptionally. Returns false if already done. */
    boolean completeFrom(int status, byte[] answer) {
        T result;
        try {
            result = decoder.decode(status, answer);
        } catch (RuntimeException e) {
            return completeExceptionally(e instanceof KvsException ? e
                    : new KvsException("cannot decode the answer to " + describe() + ": " + e, e));
        }
        return complete(result);
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
        while (!isDone()) {
            PendingRequest p = pending;
            if (p != null) {
                engine.tryCompleteFromSlot(p, requestId);
            }
            if ((++polls & 15) == 0 && System.nanoTime() - spinDeadline > 0) {
                return;
            }
            Thread.onSpinWait();
        }
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
     * and the poller frees the request's response slot (a late answer is dropped). A write already
     * applied by the server is not undone.
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled) {
            signalCancelled();
        }
        return cancelled;
    }

    /** Tells the poller this request's slot can be freed, if the request was sent. */
    void signalCancelled() {
        PendingRequest p = pending;
        if (p != null) {
            p.session.markCancelled(p.slot);
            engine.wakePoller();
        }
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }
}
