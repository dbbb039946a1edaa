package io.concurrentkvs.core.internal.client;

import io.concurrentkvs.core.IdleStrategy;
import io.concurrentkvs.core.KvsUnavailableException;
import io.concurrentkvs.core.internal.jfr.ReattachEvent;
import io.concurrentkvs.core.internal.region.Processes;
import io.concurrentkvs.core.internal.region.Region;
import io.concurrentkvs.core.internal.region.RegionHeaderDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection's poller thread: on every pass it takes the drive token and sends queued requests in
 * batches, completes batches whose answers have landed, times out and frees, heartbeats, and watches
 * the server.
 *
 * <p>While answers are due it spins, then yields, and parks only briefly (a hung server must not cost a
 * full core); while nothing is due it follows the connection's idle strategy. When the server dies,
 * stops or is replaced, it fails every pending request with {@link KvsUnavailableException} and
 * re-attaches to the next server that starts on the same name. Runs on one thread; not shareable.
 *
 * <p><b>Mappings.</b> The poller decides when a mapping is done with: when the region it maps can no
 * longer be ours again (its file was removed or replaced: the epoch at the path changed) and when the
 * connection closes. It then {@linkplain MappingGuard#retire retires} the mapping's guard, always at a
 * point where it holds no batch of that mapping itself (between passes' completions, with no session
 * attached); the mapping is unmapped at once, or by the last token-less reader on its way out. A paused
 * server (same epoch) keeps its mapping, for the re-attach. What the poller needs from a retired region
 * later (its epoch, the heartbeat when it went down, its limits) it keeps as values, never reading the
 * memory.
 */
final class Poller implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Poller.class);
    private static final long HOUSEKEEPING_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long DEADLINE_SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long REATTACH_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long LIVENESS_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /**
     * How long a closing poller waits for a token-less reader to leave the mapping so that close() returns
     * with it unmapped; after that the reader unmaps it as it leaves. Readers leave within microseconds.
     */
    private static final long CLOSE_UNMAP_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /** A run whose answers are being written is given up after this many server timeouts. */
    private static final long DRAIN_LIMIT_FACTOR = 10;
    /**
     * While answers are due: spin 20 µs, then yield, and park (briefly) only when an answer is long
     * overdue. The bounded spin keeps a burst of answers on one core; the yield matters on small
     * machines, where a server worker and a caller spinning on its own answer already occupy two cores
     * and a third unbounded spinner stalls whichever the scheduler preempts: measured on a 2-core VM,
     * three spinning threads (caller, poller, worker) made about 130 round trips a second, p50 4 ms.
     */
    private static final IdleStrategy WHILE_DUE = IdleStrategy.backoff(
            Duration.ofNanos(20_000), Duration.ofMillis(2), Duration.ofNanos(20_000), Duration.ofNanos(100_000));

    private final ClientEngine engine;
    private final IdleStrategy.Idler idleIdler;
    private final IdleStrategy.Idler dueIdler = WHILE_DUE.newIdler();
    private final long serverTimeoutNanos;
    private final long drainNanos;
    /** Batches taken for completion in the current pass; completed once the token is released. */
    private final List<Batch> answered = new ArrayList<>();

    /**
     * The last session adopted. Other threads read only its plain fields (limits); its region may be read
     * only while {@link #lastGuard} is set (not retired).
     */
    private volatile Session lastSession;
    /** The guard of {@link #lastSession}'s mapping, or null once retired. Poller only. */
    private MappingGuard lastGuard;

    private long lastEpoch;
    private long lastHeartbeat;
    private long lastHeartbeatChange;
    private long nextHousekeeping;
    private long nextDeadlineSweep;
    private long nextClientHeartbeat;
    private long nextLivenessCheck;
    private long nextReattach;
    private long heartbeatAtDown;
    /** When the last session was given up; for the re-attach event. Poller only. */
    private long downAtNanos;

    Poller(ClientEngine engine, Session initial) {
        this.engine = engine;
        this.idleIdler = engine.options.pollerIdleStrategy().newIdler();
        this.serverTimeoutNanos = engine.options.serverTimeout().toNanos();
        this.drainNanos = DRAIN_LIMIT_FACTOR * serverTimeoutNanos;
        adopt(initial, System.nanoTime());
    }

    Session lastSession() {
        return lastSession;
    }

    private void adopt(Session s, long now) {
        if (lastGuard != null && lastGuard != s.guard) {
            // A new mapping replaces the old one (tryReattach normally retired it already).
            lastGuard.retire();
        }
        lastGuard = s.guard;
        lastSession = s;
        lastEpoch = s.epoch;
        lastHeartbeat = s.region.heartbeat();
        lastHeartbeatChange = now;
    }

    @Override
    public void run() {
        try {
            while (!engine.closed) {
                try {
                    pass();
                } catch (RuntimeException e) {
                    // A corrupt region must not kill the thread every pending future depends on.
                    LOG.warn("poller pass of '{}' failed; continuing", engine.name, e);
                }
            }
        } catch (Throwable fatal) {
            // An Error (OutOfMemoryError, the InternalError of a truncated mapping, one thrown by a callback
            // run here): without this thread nothing would ever complete, so the connection closes.
            LOG.error("poller of '{}' died; the connection is closed and its requests fail", engine.name, fatal);
            engine.closedBy(fatal);
        } finally {
            shutdown();
        }
    }

    private void pass() {
        if (!engine.tryAcquireDrive()) {
            // A caller is sending its own request; it holds the token for a few hundred nanoseconds.
            Thread.onSpinWait();
            return;
        }
        int work;
        boolean due;
        try {
            work = drive(System.nanoTime());
            Session s = engine.session;
            due = s != null && s.dispatcher.hasWorkForPoller();
        } finally {
            engine.releaseDrive();
        }
        // Completed outside the token: a slow callback holds up only this thread, never a sender.
        completeAnswered();
        if (work > 0 || !engine.handoff.isEmpty()) {
            idleIdler.reset();
            dueIdler.reset();
        } else if (due) {
            idleIdler.reset();
            dueIdler.idle();
        } else {
            dueIdler.reset();
            idle();
        }
    }

    private void completeAnswered() {
        for (int i = 0; i < answered.size(); i++) {
            answered.get(i).complete(engine.completionExecutor());
        }
        answered.clear();
    }

    /** One pass with the drive token held. */
    private int drive(long now) {
        int work = 0;
        Session s = engine.session;
        if (s != null) {
            Dispatcher d = s.dispatcher;
            boolean sweep = engine.cancellations || now - nextDeadlineSweep >= 0;
            // Collected first, so that the runs freed by the last pass's completions go into one batch.
            work += d.collect(answered, sweep);
            work += engine.sendQueued();
            if (sweep) {
                engine.cancellations = false;
                nextDeadlineSweep = now + DEADLINE_SWEEP_NANOS;
                work += d.sweep(now, drainNanos, engine::timeout, engine::fail);
                // A freed run may let queued requests go now.
                work += engine.sendQueued();
            }
        }
        if (now - nextHousekeeping >= 0) {
            nextHousekeeping = now + HOUSEKEEPING_NANOS;
            housekeeping(now);
        }
        return work;
    }

    private void idle() {
        if (!idleIdler.inParkPhase()) {
            idleIdler.idle();
            return;
        }
        // Dekker with senders: announce parking, then re-check for work they may have just queued.
        engine.pollerParking = true;
        Session s = engine.session;
        boolean quiet = engine.handoff.isEmpty() && !engine.closed && !engine.cancellations;
        if (quiet && (s == null || s.dispatcher.activeSlots() == 0)) {
            idleIdler.idle();
        } else if (quiet) {
            // Only a request its own thread is completing is in flight: neither park (it may yet give
            // up and need us) nor spin beside it.
            Thread.yield();
        }
        engine.pollerParking = false;
    }

    private void housekeeping(long now) {
        Session s = engine.session;
        if (s != null) {
            int removed = s.dispatcher.expirePending(now, engine::timeout, engine::fail);
            if (removed > 0) {
                engine.waiting.addAndGet(-removed);
            }
            watchServer(s, now);
        } else if (now - nextReattach >= 0) {
            nextReattach = now + REATTACH_NANOS;
            tryReattach(now);
        }
    }

    private void watchServer(Session s, long now) {
        Region region = s.region;
        if (now - nextClientHeartbeat >= 0) {
            nextClientHeartbeat =
                    now + TimeUnit.MILLISECONDS.toNanos(region.geometry().heartbeatIntervalMs());
            s.clients.heartbeat(s.clientIndex(), System.currentTimeMillis());
        }
        int state = region.state();
        if (state == RegionHeaderDescriptor.STATE_STOPPED) {
            down(s, "server of '" + engine.name + "' stopped");
            return;
        }
        long heartbeat = region.heartbeat();
        if (heartbeat != lastHeartbeat) {
            lastHeartbeat = heartbeat;
            lastHeartbeatChange = now;
        } else if (now - lastHeartbeatChange > serverTimeoutNanos) {
            down(
                    s,
                    "server of '" + engine.name + "' (pid " + region.serverPid() + ") sent no heartbeat for "
                            + TimeUnit.NANOSECONDS.toMillis(now - lastHeartbeatChange) + " ms");
            return;
        }
        if (s.dispatcher.isExhausted()) {
            // 2^40 batches on one registration: register again (the server has not gone anywhere).
            down(s, "this connection used up the batch ids of its registration on '" + engine.name + "'");
            return;
        }
        if (now - nextLivenessCheck >= 0) {
            nextLivenessCheck = now + LIVENESS_NANOS;
            if (!Processes.isAlive(region.serverPid(), region.serverProcessStartMillis())) {
                down(s, "server of '" + engine.name + "' (pid " + region.serverPid() + ") died");
                return;
            }
            if (!s.stillRegistered()) {
                down(
                        s,
                        "this connection's client-table entry of '" + engine.name + "' is no longer its own: the"
                                + " server reclaimed it after missed heartbeats, or another process overwrote it");
            }
        }
    }

    private void down(Session s, String reason) {
        heartbeatAtDown = s.region.heartbeat();
        downAtNanos = System.nanoTime();
        engine.downReason = reason + "; waiting for a server to start on '" + engine.name + "'";
        engine.session = null;
        KvsUnavailableException error = new KvsUnavailableException(reason);
        int queued = s.dispatcher.failAll(error, engine::fail);
        if (queued > 0) {
            engine.waiting.addAndGet(-queued);
        }
        failHandoff(reason);
        s.unregister();
        LOG.warn("connection to '{}': {}", engine.name, reason);
    }

    private void failHandoff(String reason) {
        KvsUnavailableException error = new KvsUnavailableException(reason);
        RequestFuture<?> f;
        int failed = 0;
        while ((f = engine.handoff.relaxedPoll()) != null) {
            failed++;
            engine.fail(f, error);
        }
        if (failed > 0) {
            engine.waiting.addAndGet(-failed);
        }
    }

    private void tryReattach(long now) {
        failHandoff(engine.downReason);
        long epoch = Region.peekEpoch(engine.path);
        if (epoch != lastEpoch) {
            // The region we were on was removed or replaced: no server will answer us in it again. Nothing
            // of it is held here (no session is attached, so this pass collected no batch).
            retireLast();
        }
        if (epoch == 0) {
            return;
        }
        Region region = null;
        boolean fresh = false;
        boolean adopted = false;
        try {
            MappingGuard guard;
            if (lastGuard != null) {
                // Same server: it paused (GC, SIGSTOP) or dropped us. Come back once it shows life.
                region = lastSession.region;
                guard = lastGuard;
                if (region.heartbeat() == heartbeatAtDown && !lastSession.dispatcher.isExhausted()) {
                    return;
                }
            } else {
                region = Region.attach(engine.path);
                fresh = true;
                guard = ClientEngine.guardFor(region);
            }
            ClientEngine.requireLiveServer(engine.name, region);
            Session s = Session.open(region, guard);
            adopt(s, now);
            String downReason = engine.downReason;
            engine.session = s;
            adopted = true;
            LOG.info("connection to '{}' re-attached to server pid {}", engine.name, region.serverPid());
            ReattachEvent.record(engine.name, region.serverPid(), fresh, now - downAtNanos, downReason);
        } catch (RuntimeException e) {
            LOG.debug("re-attach to '{}' not possible yet: {}", engine.name, e.getMessage());
        } finally {
            if (fresh && !adopted) {
                // Never published: no other thread has seen this mapping.
                region.unmap();
            }
        }
    }

    /**
     * Retires the last session's mapping (see the class comment for when that is safe).
     *
     * @return the retired guard, or null if there was none
     */
    private MappingGuard retireLast() {
        if (!answered.isEmpty()) {
            // Left over by a pass that failed between collecting and completing: they read their answers
            // from the mapping, so they go first (normally the list is empty here).
            try {
                completeAnswered();
            } catch (RuntimeException | Error e) {
                // Whatever failed them, no one may read the mapping after this; their futures are failed.
                LOG.warn("connection to '{}': answers left from a failed pass cannot be read", engine.name, e);
                answered.clear();
            }
        }
        MappingGuard guard = lastGuard;
        lastGuard = null;
        if (guard != null) {
            guard.retire();
        }
        return guard;
    }

    private void shutdown() {
        while (!engine.tryAcquireDrive()) {
            Thread.onSpinWait();
        }
        try {
            Session s = engine.session;
            if (s != null) {
                // What was submitted before close() still goes out, as if sent at the call; only its
                // answers are no longer awaited (a closed connection fails them).
                engine.sendQueued();
            }
            engine.session = null;
            engine.downReason = engine.closedMessage();
            if (s != null) {
                int queued = s.dispatcher.failAll(new KvsUnavailableException(engine.downReason), engine::fail);
                if (queued > 0) {
                    engine.waiting.addAndGet(-queued);
                }
                s.unregister();
            }
            failHandoff(engine.downReason);
        } finally {
            engine.releaseDrive();
            unmapOnClose();
        }
    }

    /**
     * The connection is closed: its mapping goes. Waits a little for token-less readers still inside
     * (their requests have just failed, so they leave at once), so that close() normally returns with the
     * mapping gone; one that is slower unmaps it itself on its way out.
     */
    private void unmapOnClose() {
        MappingGuard guard = retireLast();
        if (guard == null || guard.isReleased()) {
            return;
        }
        long deadline = System.nanoTime() + CLOSE_UNMAP_WAIT_NANOS;
        while (!guard.isReleased() && System.nanoTime() - deadline < 0) {
            Thread.yield();
        }
    }
}
