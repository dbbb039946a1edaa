package io.concurrentkvs.core.internal.metrics;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The requests one {@code KvsServer} has served, by operation, over all its runs (start to stop): a heap
 * copy of the counts each run publishes into its region header once per heartbeat, so metrics read them
 * without touching a mapping that a stop may unmap. During the first run each total equals the
 * corresponding {@code KvsStats} counter as last published; a restart does not reset them (the region's
 * counters start again from zero), so they only ever grow.
 *
 * <p>Threads: {@link #published} is called by the threads of the current run that publish counters (its
 * monitor thread, and the threads that start and stop it); {@link #runEnded} by the server's owner once
 * the run's threads have ended; {@link #total} by any thread.
 */
public final class ServedRequests {
    private static final RequestOp[] OPS = RequestOp.values();

    /** Each op's total over the ended runs plus the current run's last published count. */
    private final AtomicLongArray totals = new AtomicLongArray(OPS.length);
    /**
     * Each op's total over the ended runs. Written by {@link #runEnded} only, between runs (the next run's
     * threads are started after it: Thread.start orders the write before their reads).
     */
    private final long[] ended = new long[OPS.length];

    /** Records that the current run has served {@code runTotal} requests of {@code op} so far. */
    public void published(RequestOp op, long runTotal) {
        int i = op.ordinal();
        long total = ended[i] + runTotal;
        // Two publishers of one run (the monitor and a stop) may race: keep the larger, never go back.
        totals.accumulateAndGet(i, total, Math::max);
    }

    /** The current run ended (its threads have stopped): the next run counts on from its totals. */
    public void runEnded() {
        for (int i = 0; i < OPS.length; i++) {
            ended[i] = totals.get(i);
        }
    }

    /** Requests of {@code op} served over all runs, as last published. Any thread. */
    public long total(RequestOp op) {
        return totals.get(op.ordinal());
    }
}
