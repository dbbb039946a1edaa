package io.concurrentkvs.core.internal.client;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A response slot of one session, and the request currently sent with it.
 *
 * <p>State machine: FREE (in the session's free pool) → IN_FLIGHT (sent; its slot is armed) →
 * COMPLETING (one thread won the right to finish it, by CAS) → FREE; or, when a request timed out or
 * was cancelled while the server was already writing its answer, COMPLETING → DRAINING → FREE once the
 * late answer has landed and been discarded. The CAS out of IN_FLIGHT is what makes every request
 * complete exactly once, whoever races: the poller, a thread waiting on the future, a timeout.
 */
final class PendingRequest {
    static final int FREE = 0;
    static final int IN_FLIGHT = 1;
    static final int COMPLETING = 2;
    static final int DRAINING = 3;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(PendingRequest.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Session session;
    final int slot;

    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;

    /** Written before the state becomes IN_FLIGHT; read after observing IN_FLIGHT. */
    long requestId;

    RequestFuture<?> future;

    /** When a DRAINING slot is given up on; poller thread only. */
    long drainDeadlineNanos;

    PendingRequest(Session session, int slot) {
        this.session = session;
        this.slot = slot;
    }

    int state() {
        return state;
    }

    void setState(int newState) {
        state = newState;
    }

    boolean casState(int expected, int newState) {
        return STATE.compareAndSet(this, expected, newState);
    }
}
