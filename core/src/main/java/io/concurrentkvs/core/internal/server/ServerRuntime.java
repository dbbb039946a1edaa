package io.concurrentkvs.core.internal.server;

import io.concurrentkvs.core.FsyncPolicy;
import io.concurrentkvs.core.IdleStrategy;
import io.concurrentkvs.core.KvsException;
import io.concurrentkvs.core.internal.Threads;
import io.concurrentkvs.core.internal.layout.ClientTable;
import io.concurrentkvs.core.internal.layout.ResponseSlots;
import io.concurrentkvs.core.internal.metrics.RequestOp;
import io.concurrentkvs.core.internal.metrics.ServedRequests;
import io.concurrentkvs.core.internal.persist.Persistence;
import io.concurrentkvs.core.internal.region.Counters;
import io.concurrentkvs.core.internal.region.Region;
import io.concurrentkvs.core.internal.region.RegionGeometry;
import io.concurrentkvs.core.internal.region.RegionHeaderDescriptor;
import io.concurrentkvs.core.internal.ring.RequestRing;
import io.concurrentkvs.core.internal.ring.RingConsumer;
import io.concurrentkvs.core.internal.store.SharedStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a server over one region: its worker threads and its monitor thread (heartbeat, client
 * reaper, counters). Created by {@code KvsServer.start}, ended by {@link #stop}. The store outlives it:
 * it lives in its own file, which the next run adopts.
 *
 * <p>A run that fails stops itself: a worker or the monitor that dies of anything the loops do not
 * handle (an {@code OutOfMemoryError}, the {@code InternalError} of a truncated mapping, a bug), or a
 * region file that is removed, replaced or resized under the server, marks the region STOPPING, so that
 * clients fail fast and then fail over, and reports the cause to the failure listener once, which stops
 * the run ({@link #stop}) so that a new server can take the name. A server whose threads die while its
 * heartbeat goes on would look alive to clients and to a replacement forever.
 *
 * <p>Thread safety: {@link #stop} may be called from any thread, once; the failure listener is called on
 * the failing thread, at most once per run.
 */
public final class ServerRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(ServerRuntime.class);

    private final Region region;
    private final SharedStore store;
    /** The persistence directory the store journals to, or null. */
    private final Persistence persistence;

    private final List<Worker> workers = new ArrayList<>();
    private final List<Thread> workerThreads = new ArrayList<>();
    private final Thread monitorThread;
    private final ClientTable clients;
    private final ClientReaper reaper;
    private final RequestRing ring;
    private final HeaderGuard headerGuard;
    private final FileIdentityWatch fileWatch;
    private final FailureListener failureListener;
    /** The server's totals over its runs, which this run's publications feed (for metrics). */
    private final ServedRequests servedRequests;
    /** The first failure of this run, or null; set once, by the failing thread. */
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private volatile boolean stopRequested;
    /** The state this server means to be in; written before the header's state word. */
    private volatile int expectedState = RegionHeaderDescriptor.STATE_INITIALIZING;

    private volatile boolean monitorStop;

    /** Told of the first failure of a run, on the failing thread; it must not wait for that thread. */
    @FunctionalInterface
    public interface FailureListener {
        void failed(ServerRuntime run, Throwable cause);
    }

    /**
     * @param persistence the directory the store journals to, or null; its log failing fails the run
     * @param servedRequests the server's totals over its runs, which each publication of this run updates
     */
    public ServerRuntime(
            Region region,
            SharedStore store,
            Persistence persistence,
            int workerCount,
            IdleStrategy idle,
            long clientTimeoutNanos,
            String threadNamePrefix,
            ServedRequests servedRequests,
            FailureListener failureListener) {
        this.failureListener = failureListener;
        this.servedRequests = servedRequests;
        this.persistence = persistence;
        this.fileWatch = watch(region);
        this.region = region;
        this.store = store;
        RegionGeometry g = region.geometry();
        this.ring = region.ring();
        this.clients = region.clientTable();
        ResponseSlots responses = region.responseSlots();
        this.reaper = new ClientReaper(clients, clientTimeoutNanos);
        long stallNanos = TimeUnit.MILLISECONDS.toNanos(g.stallTimeoutMs());
        // One worker consumes the ring in order by itself; several need the gate for per-client order.
        ClientOrderGate gate = workerCount > 1 ? new ClientOrderGate(workerCount) : null;
        for (int i = 0; i < workerCount; i++) {
            RingConsumer consumer = new RingConsumer(
                    ring,
                    stallNanos,
                    reaper::isAlive,
                    System::nanoTime,
                    gate == null ? RingConsumer.TakeListener.NONE : gate.announcerFor(i, ring));
            Worker worker = new Worker(
                    i,
                    ring,
                    consumer,
                    gate,
                    clients,
                    responses,
                    store,
                    g.maxKeyBytes(),
                    g.maxValueBytes(),
                    idle,
                    () -> stopRequested,
                    persistence == null ? null : persistence.log(),
                    persistence != null && persistence.policy() == FsyncPolicy.ALWAYS);
            workers.add(worker);
            String threadName = threadNamePrefix + "-worker-" + i;
            Thread thread = new Thread(() -> runGuarded(worker, threadName), threadName);
            thread.setDaemon(true);
            workerThreads.add(thread);
        }
        this.headerGuard = new HeaderGuard(region);
        this.monitorThread = new Thread(
                () -> runGuarded(this::monitor, threadNamePrefix + "-monitor"), threadNamePrefix + "-monitor");
        monitorThread.setDaemon(true);
    }

    /** Starts the threads and publishes the region as running. */
    public void start() {
        if (persistence != null) {
            persistence.onFailure(cause -> fail(new KvsException(
                    "the persistence log in " + persistence.directory() + " failed: " + cause, cause)));
        }
        expectedState = RegionHeaderDescriptor.STATE_RUNNING;
        region.setState(RegionHeaderDescriptor.STATE_RUNNING);
        region.writeHeartbeat(System.currentTimeMillis());
        // Before ready: a KvsStats read at once sees the settings counters (the fsync policy), not zeros.
        publishCounters();
        region.markReady();
        headerGuard.snapshot();
        workerThreads.forEach(Thread::start);
        monitorThread.start();
    }

    public Region region() {
        return region;
    }

    private static FileIdentityWatch watch(Region region) {
        try {
            return FileIdentityWatch.of(region.path());
        } catch (IOException e) {
            throw new KvsException("cannot stat the region file " + region.path() + ": " + e, e);
        }
    }

    /** Runs a server thread's loop; whatever ends it other than a stop fails the run. */
    private void runGuarded(Runnable loop, String threadName) {
        try {
            loop.run();
        } catch (Throwable t) {
            fail(new KvsException("server thread " + threadName + " died: " + t, t));
        }
    }

    /**
     * Marks the region STOPPING, so that clients fail fast and every worker drains and ends, and tells the
     * listener, once. Any thread.
     */
    private void fail(Throwable cause) {
        if (!failure.compareAndSet(null, cause)) {
            return;
        }
        LOG.error(
                "server of {} failed and stops; clients fail over, and a new server can take the name",
                region.path(),
                cause);
        stopRequested = true;
        expectedState = RegionHeaderDescriptor.STATE_STOPPING;
        markHeaderAfterFailure(RegionHeaderDescriptor.STATE_STOPPING);
        failureListener.failed(this, cause);
    }

    /**
     * Stops accepting requests (clients see STOPPING and fail new calls fast), lets workers drain the
     * ring, then marks the region STOPPED.
     */
    public void stop() {
        expectedState = RegionHeaderDescriptor.STATE_STOPPING;
        stopRequested = true;
        boolean failed = failure.get() != null;
        if (!failed) {
            region.setState(RegionHeaderDescriptor.STATE_STOPPING);
        }
        for (Thread thread : workerThreads) {
            Threads.joinUninterruptibly(thread);
        }
        expectedState = RegionHeaderDescriptor.STATE_STOPPED;
        if (failed || failure.get() != null) {
            markHeaderAfterFailure(RegionHeaderDescriptor.STATE_STOPPED);
        } else {
            publishCounters();
            region.setState(RegionHeaderDescriptor.STATE_STOPPED);
        }
        monitorStop = true;
        LockSupport.unpark(monitorThread);
        Threads.joinUninterruptibly(monitorThread);
    }

    /**
     * Writes the header's state word of a failed run, only if the file still holds the header page: after
     * a failure the mapping may be what failed (a truncated file faults on access, and the JVM raises that
     * fault as an {@code InternalError} at a later instruction, where no local catch can contain it).
     * Counters are not published, since they read the ring and the client table. If the state cannot be
     * written, clients notice the server's end by its heartbeat going stale.
     */
    private void markHeaderAfterFailure(int state) {
        if (!fileWatch.holdsHeader(RegionHeaderDescriptor.HEADER_LENGTH)) {
            LOG.warn(
                    "region {} no longer holds its header: state {} not written",
                    region.path(),
                    RegionHeaderDescriptor.stateName(state));
            return;
        }
        region.setState(state);
    }

    private void monitor() {
        long intervalNanos = TimeUnit.MILLISECONDS.toNanos(region.geometry().heartbeatIntervalMs());
        while (!monitorStop) {
            if (failure.get() != null) {
                // The region may be what failed: touch nothing until stop() ends this thread.
                LockSupport.parkNanos(intervalNanos);
                continue;
            }
            String changed = fileWatch.change();
            if (changed != null && failure.get() == null) {
                fail(new KvsException("the region file changed under the server: " + changed));
            }
            try {
                headerGuard.restoreIfChanged(() -> expectedState);
                region.writeHeartbeat(System.currentTimeMillis());
                reaper.scan(System.nanoTime());
                publishCounters();
            } catch (RuntimeException e) {
                LOG.warn("server monitor pass failed; continuing", e);
            }
            LockSupport.parkNanos(intervalNanos);
        }
    }

    private void publishCounters() {
        for (Counters counter : Counters.values()) {
            long total;
            switch (counter) {
                case CLIENTS_CONNECTED:
                    total = clients.connectedCount();
                    break;
                case CLIENTS_RECLAIMED:
                    total = reaper.reclaimed();
                    break;
                case STORED_ENTRIES:
                    total = store.size();
                    break;
                case RING_DEPTH:
                    total = ring.depth();
                    break;
                case CORRUPT_ENTRIES:
                    total = store.counters().corruptReads() + store.adoption().dropped();
                    break;
                case LOG_BYTES:
                    total = persistence == null ? 0 : persistence.logBytes();
                    break;
                case LAST_FSYNC_MILLIS:
                    total = persistence == null ? 0 : persistence.lastFsyncMillis();
                    break;
                case LAST_SNAPSHOT_MILLIS:
                    total = persistence == null ? 0 : persistence.lastSnapshotMillis();
                    break;
                case SNAPSHOT_BYTES:
                    total = persistence == null ? 0 : persistence.snapshotBytes();
                    break;
                case FSYNC_POLICY:
                    total = persistence == null ? 0 : 1 + persistence.policy().ordinal();
                    break;
                case LOG_BYTES_DROPPED:
                    total = persistence == null ? 0 : persistence.log().bytesDropped();
                    break;
                default:
                    total = 0;
                    for (Worker worker : workers) {
                        total += worker.counters().get(counter);
                    }
            }
            region.publishCounter(counter, total);
            RequestOp op = servedOp(counter);
            if (op != null) {
                servedRequests.published(op, total);
            }
        }
    }

    private static RequestOp servedOp(Counters counter) {
        switch (counter) {
            case GETS:
                return RequestOp.GET;
            case SETS:
                return RequestOp.SET;
            case POSTS:
                return RequestOp.POST;
            case DELS:
                return RequestOp.DEL;
            default:
                return null;
        }
    }
}
