package io.concurrentkvs.core.internal.store;

/**
 * A test's hand inside the write path: crash-consistency tests install one to stop a server (halt the
 * process, or throw) at a chosen point between a write's steps, then adopt what it left. Nothing installs
 * one in service, and then each point costs one read of a static field.
 *
 * <p>Thread safety: {@link #install} may be called from any thread; the hook runs on the writing thread,
 * inside the segment's lock.
 */
@FunctionalInterface
public interface WriteHook {
    /** The steps of a write, in order. */
    enum Point {
        /** The new record is in its block; its index word is not yet published. */
        RECORD_WRITTEN,
        /** The new index word is published; the old block is not yet freed. */
        PUBLISHED,
        /** The old block is freed; the sequence is still odd. */
        OLD_FREED,
        /** A delete's backward shift copied one later entry into the hole: that entry is in two slots. */
        SHIFTED,
        /** A deleted entry's index word is gone; its block is not yet freed. */
        UNLINKED
    }

    void at(Point point);

    /** Installs {@code hook} for every store in this process; null removes it. */
    static void install(WriteHook hook) {
        Holder.hook = hook;
    }

    static void reached(Point point) {
        WriteHook hook = Holder.hook;
        if (hook != null) {
            hook.at(point);
        }
    }

    /** Holds the installed hook (interfaces cannot have mutable fields). */
    final class Holder {
        static volatile WriteHook hook;

        private Holder() {}
    }
}
