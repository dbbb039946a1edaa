package io.concurrentkvs.core.internal.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@link RequestListener}s of one connection. The request path reads {@link #current()} once per
 * completion: null while nobody listens, so an unobserved connection pays one volatile read and reads
 * no clock.
 *
 * <p>Thread safety: {@link #add} and {@link #remove} may be called from any thread (they are
 * synchronized and rebuild an immutable listener); {@link #current()} never locks.
 */
public final class RequestListeners {
    /** Guarded by this. */
    private final List<RequestListener> registered = new ArrayList<>();
    /** Null, the only listener, or a {@link Fanout} of all of them; replaced whole, never mutated. */
    private volatile RequestListener current;

    /** The listener to tell of a completion (calling every registered one), or null if there is none. */
    public RequestListener current() {
        return current;
    }

    /** Adds {@code listener}; it is told of every request that completes from now on. */
    public synchronized void add(RequestListener listener) {
        if (listener == null) {
            throw new NullPointerException("listener");
        }
        registered.add(listener);
        rebuild();
    }

    /**
     * Removes {@code listener} (compared by identity); requests completing while this runs may still
     * reach it.
     *
     * @return true if it was registered
     */
    public synchronized boolean remove(RequestListener listener) {
        for (int i = 0; i < registered.size(); i++) {
            if (registered.get(i) == listener) {
                registered.remove(i);
                rebuild();
                return true;
            }
        }
        return false;
    }

    private void rebuild() {
        int n = registered.size();
        current = n == 0 ? null : n == 1 ? registered.get(0) : new Fanout(registered.toArray(new RequestListener[0]));
    }

    /** Several listeners as one, in registration order. */
    private static final class Fanout implements RequestListener {
        private final RequestListener[] listeners;

        Fanout(RequestListener[] listeners) {
            this.listeners = listeners;
        }

        @Override
        public void requestCompleted(RequestOp op, RequestOutcome outcome, long durationNanos) {
            RuntimeException first = null;
            for (RequestListener listener : listeners) {
                try {
                    listener.requestCompleted(op, outcome, durationNanos);
                } catch (RuntimeException e) {
                    // One failing listener must not keep the others from hearing of the request.
                    if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }
}
