package io.concurrentkvs.redis.internal;

import io.concurrentkvs.core.KvsException;
import io.concurrentkvs.core.KvsTimeoutException;
import io.concurrentkvs.core.internal.client.ResponseDecoder;
import io.concurrentkvs.core.internal.layout.ResponseStatus;
import io.concurrentkvs.core.internal.metrics.RequestListener;
import io.concurrentkvs.core.internal.metrics.RequestOp;
import io.concurrentkvs.core.internal.metrics.RequestOutcome;
import io.concurrentkvs.core.internal.ring.Opcodes;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * One request to Redis and its future. The same object is the future handed to the view, the callback of
 * Lettuce's command future, and the task of its timeout, so a request allocates nothing else of ours.
 *
 * <p>Completed exactly once, by whichever comes first: Lettuce's answer or failure (on a Lettuce I/O thread),
 * the timeout (on Lettuce's timer thread), or a cancellation; the {@code CompletableFuture} arbitrates.
 * With a completion executor, completions run there instead.
 */
final class RedisRequest<T> extends CompletableFuture<T> implements BiConsumer<Object, Throwable>, TimerTask {
    private final RedisBackend backend;
    private final int opcode;
    private final ResponseDecoder<T> decoder;
    private final long timeoutNanos;
    /** When the view submitted it: the start of the duration told to the connection's request listeners. */
    private final long startNanos = System.nanoTime();

    /** The pending timeout; written once by the submitting thread before the command is dispatched. */
    private volatile Timeout timeout;

    RedisRequest(RedisBackend backend, int opcode, ResponseDecoder<T> decoder, long timeoutNanos) {
        this.backend = backend;
        this.opcode = opcode;
        this.decoder = decoder;
        this.timeoutNanos = timeoutNanos;
    }

    void armTimeout(io.netty.util.Timer timer) {
        timeout = timer.newTimeout(this, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    String describe() {
        return Opcodes.name(opcode);
    }

    /** A completion from outside (the caller's own {@code complete}): told as a success. */
    @Override
    public boolean complete(T value) {
        return reported(super.complete(value), RequestOutcome.SUCCESS);
    }

    @Override
    public boolean completeExceptionally(Throwable failure) {
        return reported(super.completeExceptionally(failure), RequestOutcome.ofFailure(failure));
    }

    /** A get's reply is a hit unless Redis answered nil; every answered write is a success. */
    private RequestOutcome answerOutcome(Object reply) {
        if (opcode != Opcodes.GET) {
            return RequestOutcome.SUCCESS;
        }
        return reply == null ? RequestOutcome.MISS : RequestOutcome.HIT;
    }

    /** Tells the listeners of the call that completed this request; the losers of the race tell nothing. */
    private boolean reported(boolean completed, RequestOutcome outcome) {
        if (completed) {
            RequestListener listener = backend.requestListeners().current();
            if (listener != null) {
                listener.requestCompleted(RequestOp.ofOpcode(opcode), outcome, System.nanoTime() - startNanos);
            }
        }
        return completed;
    }

    /** Lettuce's command completed: with its reply, or with {@code error}. Lettuce's threads. */
    @Override
    public void accept(Object reply, Throwable error) {
        backend.answered();
        Timeout t = timeout;
        if (t != null) {
            t.cancel();
        }
        if (isDone()) {
            return;
        }
        Executor executor = backend.completionExecutor();
        if (executor == null) {
            finish(reply, error);
        } else {
            executor.execute(() -> finish(reply, error));
        }
    }

    private void finish(Object reply, Throwable error) {
        if (error != null) {
            completeExceptionally(RedisFailures.map(error, describe(), backend.name()));
            return;
        }
        T result;
        try {
            result = decode(reply);
        } catch (RuntimeException e) {
            completeExceptionally(
                    e instanceof KvsException
                            ? e
                            : new KvsException("cannot decode the answer to " + describe() + ": " + e, e));
            return;
        }
        reported(super.complete(result), answerOutcome(reply));
    }

    /** Redis's reply in the shared-memory protocol's statuses, through the view's decoder. */
    private T decode(Object reply) {
        switch (opcode) {
            case Opcodes.GET:
                return reply == null
                        ? decoder.decode(ResponseStatus.ABSENT, null)
                        : decoder.decode(ResponseStatus.FOUND, (byte[]) reply);
            case Opcodes.SET:
            case Opcodes.POST:
                // SET answers OK; SET NX answers OK when it stored and nil when the key existed.
                return decoder.decode(reply != null ? ResponseStatus.TRUE : ResponseStatus.FALSE, null);
            case Opcodes.DEL:
                return decoder.decode(((Long) reply) > 0 ? ResponseStatus.TRUE : ResponseStatus.FALSE, null);
            default:
                throw new IllegalStateException("unknown opcode " + opcode);
        }
    }

    /** The timeout fired. Lettuce's timer thread. A late reply is then dropped by {@link #accept}. */
    @Override
    public void run(Timeout fired) {
        if (isDone()) {
            return;
        }
        KvsTimeoutException e = new KvsTimeoutException(describe() + " on " + backend.name() + " got no answer within "
                + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
        Executor executor = backend.completionExecutor();
        if (executor == null) {
            completeExceptionally(e);
        } else {
            executor.execute(() -> completeExceptionally(e));
        }
    }

    /** Cancels the request's timeout too; a reply that comes later is dropped. */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        // Through completeExceptionally, as the JDK's cancel completes, so that the listeners hear of it once.
        boolean cancelled = completeExceptionally(new CancellationException());
        Timeout t = timeout;
        if (cancelled && t != null) {
            t.cancel();
        }
        return cancelled;
    }
}
