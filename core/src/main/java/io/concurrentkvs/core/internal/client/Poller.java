package io.concurrentkvs.core.internal.client;

import static io.concurrentkvs.core.internal.client.ResponseSlotDescriptor.TICKET_DONE;
import static io.concurrentkvs.core.internal.client.ResponseSlotDescriptor.ticket;

import io.concurrentkvs.core.IdleStrategy;
import io.concurrentkvs.core.KvsUnavailableException;
import io.concurrentkvs.core.internal.region.Processes;
import io.concurrentkvs.core.internal.region.Region;
import io.concurrentkvs.core.internal.region.RegionHeaderDescriptor;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection's poller thread: completes requests whose answers have landed, times out and cancels
 * requests, dispatches the backlog of requests waiting for a slot, heartbeats, and watches the server.
 *
 * <p>While answers are due it spins, then yields, and parks only briefly (a hung server must not cost a
 * full core); while nothing is due it follows the connection's idle strategy. When the server dies,
 * stops or is replaced, it fails every pending request with {@link KvsUnavailableException} and
 * re-attaches to the next server that starts on the same name. Runs on one thread; not shareable.
 */
final class Poller implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Poller.class);
    private static final long HOUSEKEEPING_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long DEADLINE_SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long REATTACH_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long LIVENESS_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /**
     * While answers are due: spin 20 µs, then yield, and park (briefly) only when an answer is long
     * overdue. The bounded spin keeps a burst of answers on one core; the yield matters on small
     * machines, where a server worker and a caller spinning on its own answer already occupy two cores
     * and a third unbounded spinner stalls whichever the scheduler preempts (see DESIGN-NOTES). With the
     * load generator on 2 cores, a 20 µs spin beat a 1 µs one on both sync latency and pipelined
     * throughput (docs/BENCHMARKS.md).
     */
    private static final IdleStrategy WHILE_DUE = IdleStrategy.backoff(
            Duration.ofNanos(20_000), Duration.ofMillis(2), Duration.ofNanos(20_000), Duration.ofNanos(100_000));

    private final ClientEngine engine;
    private final ArrayDeque<RequestFuture<?>> backlog = new ArrayDeque<>();
    private final IdleStrategy.Idler idleIdler;
    private final IdleStrategy.Idler dueIdler = WHILE_DUE.newIdler();
    private final long serverTimeoutNanos;

    private volatile Session lastSession;
    private long lastEpoch;
    private long lastHeartbeat;
    private long lastHeartbeatChange;
    private long nextHousekeeping;
    private long nextDeadlineSweep;
    private long nextClientHeartbeat;
    private long nextLivenessCheck;
    private long nextReattach;
    private long heartbeatAtDown;

    Poller(ClientEngine engine, Session initial) {
        this.engine = engine;
        this.idleIdler = engine.options.pollerIdleStrategy().newIdler();
        this.serverTimeoutNanos = engine.options.serverTimeout().toNanos();
        adopt(initial, System.nanoTime());
    }

    Session lastSession() {
        return lastSession;
    }

    private void adopt(Session s, long now) {
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
        } finally {
            shutdown();
        }
    }

    private void pass() {
        long now = System.nanoTime();
        int work = drainHandoff();
        Session s = engine.session;
        if (s != null) {
            work += dispatchBacklog(s);
            work += scan(s, now);
        }
        if (s != null && now - nextDeadlineSweep >= 0) {
            nextDeadlineSweep = now + DEADLINE_SWEEP_NANOS;
            work += sweepDeadlines(s, now);
        }
        if (now - nextHousekeeping >= 0) {
            nextHousekeeping = now + HOUSEKEEPING_NANOS;
            housekeeping(now);
        }
        if (work > 0) {
            idleIdler.reset();
            dueIdler.reset();
        } else if (!backlog.isEmpty() || (s != null && s.anyInFlight())) {
            idleIdler.reset();
            dueIdler.idle();
        } else {
            dueIdler.reset();
            idle();
        }
    }

    private void idle() {
        if (!idleIdler.inParkPhase()) {
            idleIdler.idle();
            return;
        }
        // Dekker with senders: announce parking, then re-check for work they may have just published.
        engine.pollerParking = true;
        Session s = engine.session;
        if (engine.handoff.isEmpty() && !engine.closed && (s == null || !s.anyInFlight())) {
            idleIdler.idle();
        }
        engine.pollerParking = false;
    }

    private int drainHandoff() {
        int moved = 0;
        RequestFuture<?> f;
        while ((f = engine.handoff.relaxedPoll()) != null) {
            backlog.addLast(f);
            moved++;
        }
        return moved;
    }

    private int dispatchBacklog(Session s) {
        int sent = 0;
        while (!backlog.isEmpty()) {
            RequestFuture<?> f = backlog.peekFirst();
            if (f.isDone()) {
                backlog.pollFirst();
                engine.waiting.decrementAndGet();
                continue;
            }
            if (!engine.trySend(s, f)) {
                break;
            }
            backlog.pollFirst();
            engine.waiting.decrementAndGet();
            sent++;
        }
        return sent;
    }

    /**
     * One pass over the in-flight slots: completes answered requests and frees drained ones. Reads only
     * each slot's ticket and the poller's own bookkeeping; cancellations arrive as marks and deadlines
     * are checked by {@link #sweepDeadlines} each millisecond, so a pass touches no application-owned
     * future.
     */
    private int scan(Session s, long now) {
        int work = 0;
        for (int word = 0; word < s.inFlightBits.length; word++) {
            long cancelled = s.takeCancelled(word);
            while (cancelled != 0) {
                int slot = (word << 6) + Long.numberOfTrailingZeros(cancelled);
                cancelled &= cancelled - 1;
                work += abandonIfCancelled(s.pendings[slot]);
            }
            long bits = s.inFlightWord(word);
            while (bits != 0) {
                int slot = (word << 6) + Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                work += check(s.pendings[slot], s, now);
            }
        }
        return work;
    }

    private int check(PendingRequest p, Session s, long now) {
        int state = p.state();
        if (state == PendingRequest.IN_FLIGHT) {
            long id = p.requestId;
            if (s.responses.ticketOf(s.clientIndex(), p.slot) == ticket(id, TICKET_DONE)) {
                return engine.tryComplete(p, id) ? 1 : 0;
            }
        } else if (state == PendingRequest.DRAINING) {
            return engine.drain(p, now) ? 1 : 0;
        }
        return 0;
    }

    private int abandonIfCancelled(PendingRequest p) {
        RequestFuture<?> f = p.future;
        if (p.state() == PendingRequest.IN_FLIGHT && f != null && f.isCancelled()) {
            engine.abandon(p, p.requestId, null);
            return 1;
        }
        return 0;
    }

    /** Times out in-flight requests whose deadline passed. Runs every millisecond, not every pass. */
    private int sweepDeadlines(Session s, long now) {
        int work = 0;
        for (int word = 0; word < s.inFlightBits.length; word++) {
            long bits = s.inFlightWord(word);
            while (bits != 0) {
                PendingRequest p = s.pendings[(word << 6) + Long.numberOfTrailingZeros(bits)];
                bits &= bits - 1;
                RequestFuture<?> f = p.future;
                if (p.state() == PendingRequest.IN_FLIGHT && f != null && now - f.deadlineNanos >= 0) {
                    engine.abandon(p, p.requestId, engine.timeout(f));
                    work++;
                }
            }
        }
        return work;
    }

    private void housekeeping(long now) {
        expireBacklog(now);
        Session s = engine.session;
        if (s != null) {
            watchServer(s, now);
        } else if (now - nextReattach >= 0) {
            nextReattach = now + REATTACH_NANOS;
            tryReattach(now);
        }
    }

    private void expireBacklog(long now) {
        for (Iterator<RequestFuture<?>> it = backlog.iterator(); it.hasNext(); ) {
            RequestFuture<?> f = it.next();
            if (f.isDone() || now - f.deadlineNanos >= 0) {
                it.remove();
                engine.waiting.decrementAndGet();
                engine.fail(f, engine.timeout(f));
            }
        }
    }

    private void watchServer(Session s, long now) {
        Region region = s.region;
        if (now - nextClientHeartbeat >= 0) {
            nextClientHeartbeat = now + TimeUnit.MILLISECONDS.toNanos(region.geometry().heartbeatIntervalMs());
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
            down(s, "server of '" + engine.name + "' (pid " + region.serverPid() + ") sent no heartbeat for "
                    + TimeUnit.NANOSECONDS.toMillis(now - lastHeartbeatChange) + " ms");
            return;
        }
        if (now - nextLivenessCheck >= 0) {
            nextLivenessCheck = now + LIVENESS_NANOS;
            if (!Processes.isAlive(region.serverPid(), region.serverProcessStartMillis())) {
                down(s, "server of '" + engine.name + "' (pid " + region.serverPid() + ") died");
                return;
            }
            if (!s.stillRegistered()) {
                down(s, "this connection's client-table entry of '" + engine.name + "' is no longer its own: the"
                        + " server reclaimed it after missed heartbeats, or another process overwrote it");
            }
        }
    }

    private void down(Session s, String reason) {
        heartbeatAtDown = s.region.heartbeat();
        engine.downReason = reason + "; waiting for a server to start on '" + engine.name + "'";
        engine.session = null;
        engine.failAll(s, reason);
        failBacklog(reason);
        s.unregister();
        LOG.warn("connection to '{}': {}", engine.name, reason);
    }

    private void failBacklog(String reason) {
        KvsUnavailableException error = new KvsUnavailableException(reason);
        drainHandoff();
        RequestFuture<?> f;
        while ((f = backlog.pollFirst()) != null) {
            engine.waiting.decrementAndGet();
            engine.fail(f, error);
        }
    }

    private void tryReattach(long now) {
        failBacklog(engine.downReason);
        long epoch = Region.peekEpoch(engine.path);
        if (epoch == 0) {
            return;
        }
        try {
            Region region;
            if (epoch == lastEpoch) {
                // Same server: it paused (GC, SIGSTOP) or dropped us. Come back once it shows life.
                region = lastSession.region;
                if (region.heartbeat() == heartbeatAtDown) {
                    return;
                }
            } else {
                region = Region.attach(engine.path);
            }
            ClientEngine.requireLiveServer(engine.name, region);
            Session s = Session.open(region);
            adopt(s, now);
            engine.session = s;
            LOG.info("connection to '{}' re-attached to server pid {}", engine.name, region.serverPid());
        } catch (RuntimeException e) {
            LOG.debug("re-attach to '{}' not possible yet: {}", engine.name, e.getMessage());
        }
    }

    private void shutdown() {
        Session s = engine.session;
        engine.session = null;
        engine.downReason = "connection to '" + engine.name + "' is closed";
        if (s != null) {
            engine.failAll(s, engine.downReason);
            s.unregister();
        }
        failBacklog(engine.downReason);
    }
}
