package io.concurrentkvs.core.internal.metrics;

/**
 * Told of every request of a connection once, as it completes: its operation, how it ended and how long
 * it took, from the call that made it to its completion (before the future's callbacks run).
 *
 * <p>Threads: called on whichever thread completes the request (the connection's poller, its completion
 * executor, or a thread waiting in the future's {@code get}/{@code join}), so from several threads at
 * once. An implementation must be thread-safe, quick and must not block; an exception it throws is
 * logged and dropped, never seen by the request.
 */
@FunctionalInterface
public interface RequestListener {
    /**
     * @param op the request's operation
     * @param outcome how it ended
     * @param durationNanos nanoseconds from the call to the completion
     */
    void requestCompleted(RequestOp op, RequestOutcome outcome, long durationNanos);
}
