package io.concurrentkvs.core.internal.client;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** Padding before the hot words, so that no other object's fields share their cache line. */
abstract class MappingGuardPadBefore {
    @SuppressWarnings("unused")
    long p01, p02, p03, p04, p05, p06, p07, p08;
}

/** The hot words: read and written by every thread that reads the region without the drive token. */
abstract class MappingGuardHot extends MappingGuardPadBefore {
    /** Threads between {@link MappingGuard#enter} and {@link MappingGuard#exit}, plus ones backing out. */
    volatile int users;
    /** Set once by the poller: nobody may start reading the mapping any more. */
    volatile boolean retired;
}

/** Padding after the hot words. */
abstract class MappingGuardPadAfter extends MappingGuardHot {
    @SuppressWarnings("unused")
    long p11, p12, p13, p14, p15, p16, p17, p18;
}

/**
 * Guards one connection's mapping of one region so that it can be unmapped deterministically: an access
 * to unmapped memory is not an exception but a crash of the JVM (SIGSEGV).
 *
 * <p><b>Who needs it.</b> Threads that hold the connection's drive token only ever touch the current
 * session's mapping, which is never retired while it is current: they need no guard. Threads that read a
 * session's region <em>without</em> the token — a caller in {@code submit} reading the server's state,
 * {@code isConnected}, a caller waiting on its own request and reading the answer ({@link
 * Batch#tryTakeAlone}) — may hold a session that the poller has just abandoned; they bracket each access
 * with {@link #enter} and {@link #exit}. The poller, which completes its own answered batches before it
 * retires anything, needs no guard either.
 *
 * <p><b>Protocol (Dekker).</b> A reader increments {@link #users}, then reads {@link #retired}; the poller
 * writes {@code retired}, then reads {@code users}. All four are volatile, so in their total order either
 * the poller sees the reader counted, or the reader sees the mapping retired and backs out without
 * touching it. Whoever then observes {@code users == 0} on a retired guard — the poller right after
 * retiring, or the last reader on its way out — wins a CAS on {@link #released} and unmaps, exactly once.
 * So the poller never waits for a reader, and no reader can hold up a close (a reader that closes the
 * connection from a callback included: callbacks never run inside the guard).
 *
 * <p>The hot path is one uncontended atomic add in and one out; the counter has a cache line of its own.
 * Thread safety: all methods from any thread; {@link #retire} by the connection's poller only.
 */
final class MappingGuard extends MappingGuardPadAfter {
    private static final VarHandle USERS;
    private static final VarHandle RELEASED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            USERS = lookup.findVarHandle(MappingGuardHot.class, "users", int.class);
            RELEASED = lookup.findVarHandle(MappingGuard.class, "released", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Unmaps the region; run once, by whoever releases the guard. */
    private final Runnable unmap;

    @SuppressWarnings("unused") // accessed through RELEASED
    private volatile boolean released;

    MappingGuard(Runnable unmap) {
        this.unmap = unmap;
    }

    /**
     * Announces a read of the mapping. On {@code true} the mapping stays mapped until this thread calls
     * {@link #exit}; on {@code false} the mapping is retired (its server is gone for this connection) and
     * must not be touched, and there is nothing to exit.
     */
    boolean enter() {
        USERS.getAndAdd(this, 1);
        if (retired) {
            exit();
            return false;
        }
        return true;
    }

    /** Ends a read begun by a successful {@link #enter}; the last reader out of a retired mapping unmaps it. */
    void exit() {
        if ((int) USERS.getAndAdd(this, -1) == 1 && retired) {
            tryRelease();
        }
    }

    /**
     * No new reader may enter from now on; unmaps at once if none is inside, else the last one out does.
     * Poller only, once it can no longer touch the mapping itself. Idempotent.
     *
     * @return whether the mapping is unmapped on return
     */
    boolean retire() {
        retired = true;
        return tryRelease();
    }

    boolean isRetired() {
        return retired;
    }

    /** Whether the mapping has been unmapped. */
    boolean isReleased() {
        return released;
    }

    private boolean tryRelease() {
        if (users == 0 && RELEASED.compareAndSet(this, false, true)) {
            unmap.run();
            return true;
        }
        return released;
    }
}
