package io.concurrentkvs.core.internal.server;

import io.concurrentkvs.core.IdleStrategy;
import io.concurrentkvs.core.internal.layout.ClientTable;
import io.concurrentkvs.core.internal.layout.ResponseSlots;
import io.concurrentkvs.core.internal.region.Counters;
import io.concurrentkvs.core.internal.region.Region;
import io.concurrentkvs.core.internal.region.RegionGeometry;
import io.concurrentkvs.core.internal.region.RegionHeaderDescriptor;
import io.concurrentkvs.core.internal.ring.RequestRing;
import io.concurrentkvs.core.internal.ring.RingConsumer;
import io.concurrentkvs.core.internal.store.SharedStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a server over one region: its worker threads and its monitor thread (heartbeat, client
 * reaper, counters). Created by {@code KvsServer.start}, ended by {@link #stop}. The store outlives it:
 * it lives in its own file, which the next run adopts.
 *
 * <p>Thread safety: {@link #stop} may be called from any thread, once.
 */
public final class ServerRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(ServerRuntime.class);

    private final Region region;
    private final SharedStore store;
    private final List<Worker> workers = new ArrayList<>();
    private final List<Thread> workerThreads = new ArrayList<>();
    private final Thread monitorThread;
    private final ClientTable clients;
    private final ClientReaper reaper;
    private final RequestRing ring;
    private final HeaderGuard headerGuard;
    private volatile boolean stopRequested;
    /** The state this server means to be in; written before the header's state word. */
    private volatile int expectedState = RegionHeaderDescriptor.STATE_INITIALIZING;
    private volatile boolean monitorStop;

    public ServerRuntime(Region region, SharedStore store, int workerCount, IdleStrategy idle, long clientTimeoutNanos,
            String threadNamePrefix) {
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
            RingConsumer consumer = new RingConsumer(ring, stallNanos, reaper::isAlive, System::nanoTime,
                    gate == null ? RingConsumer.TakeListener.NONE : gate.announcerFor(i, ring));
            Worker worker = new Worker(i, ring, consumer, gate, clients, responses, store, g.maxKeyBytes(),
                    g.maxValueBytes(), idle, () -> stopRequested);
            workers.add(worker);
            Thread thread = new Thread(worker, threadNamePrefix + "-worker-" + i);
            thread.setDaemon(true);
            workerThreads.add(thread);
        }
        this.headerGuard = new HeaderGuard(region);
        this.monitorThread = new Thread(this::monitor, threadNamePrefix + "-monitor");
        monitorThread.setDaemon(true);
    }

    /** Starts the threads and publishes the region as running. */
    public void start() {
        expectedState = RegionHeaderDescriptor.STATE_RUNNING;
        region.setState(RegionHeaderDescriptor.STATE_RUNNING);
        region.writeHeartbeat(System.currentTimeMillis());
        region.markReady();
        headerGuard.snapshot();
        workerThreads.forEach(Thread::start);
        monitorThread.start();
    }

    public Region region() {
        return region;
    }

    /**
     * Stops accepting requests (clients see STOPPING and fail new calls fast), lets workers drain the
     * ring, then marks the region STOPPED.
     */
    public void stop() {
        expectedState = RegionHeaderDescriptor.STATE_STOPPING;
        region.setState(RegionHeaderDescriptor.STATE_STOPPING);
        stopRequested = true;
        for (Thread thread : workerThreads) {
            joinUninterruptibly(thread);
        }
        publishCounters();
        expectedState = RegionHeaderDescriptor.STATE_STOPPED;
        region.setState(RegionHeaderDescriptor.STATE_STOPPED);
        monitorStop = true;
        LockSupport.unpark(monitorThread);
        joinUninterruptibly(monitorThread);
    }

    private static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void monitor() {
        long intervalNanos = TimeUnit.MILLISECONDS.toNanos(region.geometry().heartbeatIntervalMs());
        while (!monitorStop) {
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
                default:
                    total = 0;
                    for (Worker worker : workers) {
                        total += worker.counters().get(counter);
                    }
            }
            region.publishCounter(counter, total);
        }
    }
}
