package io.concurrentkvs.core.internal.client;

import static io.concurrentkvs.core.internal.client.ResponseSlotDescriptor.TICKET_DONE;
import static io.concurrentkvs.core.internal.client.ResponseSlotDescriptor.ticket;

import io.concurrentkvs.core.ConnectionOptions;
import io.concurrentkvs.core.KvsException;
import io.concurrentkvs.core.KvsTimeoutException;
import io.concurrentkvs.core.KvsUnavailableException;
import io.concurrentkvs.core.internal.region.Processes;
import io.concurrentkvs.core.internal.region.Region;
import io.concurrentkvs.core.internal.region.RegionHeaderDescriptor;
import io.concurrentkvs.core.internal.ring.RequestRing;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.MpscUnboundedXaddArrayQueue;

/**
 * The asynchronous core of a connection: sends requests, completes them exactly once, and follows the
 * server through deaths and restarts. The public {@code KvsConnection} and every client view delegate
 * here.
 *
 * <p>Sending never blocks: a request that finds no free response slot, or a full ring, waits in a
 * bounded backlog that the poller thread dispatches as slots free up. Completion runs on the poller
 * thread, on a thread waiting in {@link RequestFuture#get()}, or on the configured completion executor.
 * Thread safety: all methods may be called from any thread.
 */
public final class ClientEngine implements AutoCloseable {
    final String name;
    final Path path;
    final ConnectionOptions options;
    private final long syncSpinNanos;
    private final Executor completionExecutor;

    volatile Session session;
    volatile String downReason;
    volatile boolean closed;
    volatile boolean pollerParking;

    private static final java.lang.invoke.VarHandle POLLER_PARKING;

    static {
        try {
            POLLER_PARKING = java.lang.invoke.MethodHandles.lookup()
                    .findVarHandle(ClientEngine.class, "pollerParking", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final MpscUnboundedXaddArrayQueue<RequestFuture<?>> handoff = new MpscUnboundedXaddArrayQueue<>(1024);
    final AtomicInteger waiting = new AtomicInteger();
    private final Thread pollerThread;
    private final Poller poller;

    private ClientEngine(String name, Path path, ConnectionOptions options, Session session) {
        this.name = name;
        this.path = path;
        this.options = options;
        this.syncSpinNanos = options.syncSpin().toNanos();
        this.completionExecutor = options.completionExecutor().orElse(null);
        this.session = session;
        this.poller = new Poller(this, session);
        this.pollerThread = new Thread(poller, "kvs-poller-" + name);
        pollerThread.setDaemon(true);
    }

    /**
     * Attaches to the region at {@code path}, registers, and starts the poller thread.
     *
     * @throws KvsUnavailableException if no live server serves the region
     * @throws io.concurrentkvs.core.KvsIncompatibleRegionException if the file is not a usable region
     */
    public static ClientEngine connect(String name, Path path, ConnectionOptions options) {
        Region region = attachWaitingForReady(path, options.connectTimeout().toNanos());
        requireLiveServer(name, region);
        ClientEngine engine = new ClientEngine(name, path, options, Session.open(region));
        engine.pollerThread.start();
        return engine;
    }

    private static Region attachWaitingForReady(Path path, long timeoutNanos) {
        long start = System.nanoTime();
        while (true) {
            try {
                return Region.attach(path);
            } catch (KvsUnavailableException e) {
                boolean initialising = e.getMessage().contains("still being initialised");
                if (!initialising || System.nanoTime() - start > timeoutNanos) {
                    throw e;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        }
    }

    static void requireLiveServer(String name, Region region) {
        int state = region.state();
        if (state != RegionHeaderDescriptor.STATE_RUNNING) {
            throw new KvsUnavailableException("server of '" + name + "' at " + region.path() + " is "
                    + RegionHeaderDescriptor.stateName(state) + ", not RUNNING");
        }
        if (!Processes.isAlive(region.serverPid(), region.serverProcessStartMillis())) {
            throw new KvsUnavailableException("server of '" + name + "' at " + region.path() + " (pid "
                    + region.serverPid() + ") is not running");
        }
    }

    long syncSpinNanos() {
        return syncSpinNanos;
    }

    /** Maximum key bytes of the current (or last known) region. */
    public int maxKeyBytes() {
        return poller.lastSession().maxKeyBytes;
    }

    /** Maximum value bytes of the current (or last known) region. */
    public int maxValueBytes() {
        return poller.lastSession().maxValueBytes;
    }

    public boolean isConnected() {
        Session s = session;
        return !closed && s != null && s.region.state() == RegionHeaderDescriptor.STATE_RUNNING;
    }

    public String name() {
        return name;
    }

    public Path path() {
        return path;
    }

    public ConnectionOptions options() {
        return options;
    }

    /** Requests sent and not yet answered, timed out or cancelled. */
    public int inFlight() {
        Session s = session;
        if (s == null) {
            return 0;
        }
        int count = 0;
        for (int i = 0; i < s.inFlightBits.length; i++) {
            count += Long.bitCount(s.inFlightWord(i));
        }
        return count;
    }

    /**
     * Sends one request. Never blocks; the returned future completes with the decoded answer or fails
     * with a {@link KvsException}.
     */
    public <T> RequestFuture<T> submit(int opcode, byte[] key, byte[] value, ResponseDecoder<T> decoder,
            long timeoutNanos) {
        RequestFuture<T> f = new RequestFuture<>(this, opcode, key, value, decoder, timeoutNanos, System.nanoTime());
        if (closed) {
            f.completeExceptionally(new KvsUnavailableException("connection to '" + name + "' is closed"));
            return f;
        }
        Session s = session;
        if (s == null) {
            f.completeExceptionally(new KvsUnavailableException(downReason));
            return f;
        }
        int state = s.region.state();
        if (state != RegionHeaderDescriptor.STATE_RUNNING) {
            f.completeExceptionally(new KvsUnavailableException("server of '" + name + "' is "
                    + RegionHeaderDescriptor.stateName(state) + ": " + f.describe() + " not sent"));
            return f;
        }
        // While others wait, queue behind them so that waiting requests are not overtaken indefinitely.
        if (waiting.get() == 0 && trySend(s, f)) {
            return f;
        }
        if (waiting.incrementAndGet() > options.maxWaitingRequests()) {
            waiting.decrementAndGet();
            f.completeExceptionally(new KvsException("too many requests waiting for a free response slot on '"
                    + name + "' (limit " + options.maxWaitingRequests() + "): slow down or raise maxWaitingRequests"));
            return f;
        }
        handoff.offer(f);
        wakePoller();
        return f;
    }

    /**
     * Sends {@code f} if a response slot and a ring slot are free.
     *
     * @return true if sent (or already failed because the session died meanwhile); false if it must wait
     */
    boolean trySend(Session s, RequestFuture<?> f) {
        PendingRequest p = s.acquireSlot();
        if (p == null) {
            return false;
        }
        long id;
        try {
            id = s.nextRequestId();
        } catch (KvsException e) {
            s.releaseSlot(p);
            throw e;
        }
        long index;
        try {
            index = s.claim();
        } catch (RuntimeException e) {
            s.releaseSlot(p);
            throw e;
        }
        if (index == RequestRing.FULL) {
            s.releaseSlot(p);
            return false;
        }
        p.requestId = id;
        p.future = f;
        f.requestId = id;
        s.responses.arm(s.clientIndex(), p.slot, id);
        p.setState(PendingRequest.IN_FLIGHT);
        f.pending = p;
        s.markInFlight(p.slot);
        if (f.isCancelled()) {
            // Cancelled before pending was visible to cancel(): signal it here (one side always sees it).
            f.signalCancelled();
        }
        s.publish(index, id, p.slot, f);
        if (s.dead) {
            // The poller abandoned this session while we were sending: nobody else will finish f.
            if (p.casState(PendingRequest.IN_FLIGHT, PendingRequest.COMPLETING)) {
                fail(f, new KvsUnavailableException(downReason != null ? downReason : "server went away"));
            }
        } else {
            wakePoller();
        }
        return true;
    }

    /**
     * Unparks the poller if it announced it is parking. Only the sender that clears the announcement
     * pays for the unpark system call; the others see it cleared.
     */
    void wakePoller() {
        if (pollerParking && POLLER_PARKING.compareAndSet(this, true, false)) {
            LockSupport.unpark(pollerThread);
        }
    }

    /** Called by a thread waiting on a future: completes it if its answer is in its slot. */
    void tryCompleteFromSlot(PendingRequest p, long requestId) {
        Session s = p.session;
        if (s.responses.ticketOf(s.clientIndex(), p.slot) == ticket(requestId, TICKET_DONE)) {
            tryComplete(p, requestId);
        }
    }

    /**
     * Completes the request {@code requestId} in {@code p} from its answer, if this thread wins the
     * right to. Guards against ABA: the slot may have been reused since the caller looked at it.
     */
    boolean tryComplete(PendingRequest p, long requestId) {
        if (!p.casState(PendingRequest.IN_FLIGHT, PendingRequest.COMPLETING)) {
            return false;
        }
        Session s = p.session;
        int client = s.clientIndex();
        if (p.requestId != requestId || s.responses.ticketOf(client, p.slot) != ticket(requestId, TICKET_DONE)) {
            p.setState(PendingRequest.IN_FLIGHT);
            return false;
        }
        int status = s.responses.status(client, p.slot);
        int length = s.responses.valueLength(client, p.slot);
        byte[] value = length > 0 ? s.responses.readValue(client, p.slot, length) : EMPTY;
        RequestFuture<?> f = p.future;
        s.responses.free(client, p.slot);
        s.clearInFlight(p.slot);
        s.releaseSlot(p);
        if (length < 0) {
            fail(f, new KvsException("corrupt answer to " + f.describe() + ": value length out of range"));
        } else {
            completeFrom(f, status, value);
        }
        return true;
    }

    private static final byte[] EMPTY = new byte[0];

    /** A slot whose answer is being written is given up after this many server timeouts. */
    private static final long DRAIN_LIMIT_FACTOR = 10;

    /**
     * Stops waiting for request {@code requestId}: on timeout ({@code error} set) or because its future
     * was cancelled ({@code error} null). A late answer is discarded when it lands.
     */
    void abandon(PendingRequest p, long requestId, RuntimeException error) {
        if (!p.casState(PendingRequest.IN_FLIGHT, PendingRequest.COMPLETING)) {
            return;
        }
        if (p.requestId != requestId) {
            p.setState(PendingRequest.IN_FLIGHT);
            return;
        }
        Session s = p.session;
        int client = s.clientIndex();
        RequestFuture<?> f = p.future;
        if (s.responses.cancel(client, p.slot, requestId)) {
            s.clearInFlight(p.slot);
            s.releaseSlot(p);
        } else if (s.responses.ticketOf(client, p.slot) == ticket(requestId, TICKET_DONE)) {
            // The answer landed as we gave up: deliver it rather than waste it.
            p.setState(PendingRequest.IN_FLIGHT);
            tryComplete(p, requestId);
            return;
        } else {
            p.drainDeadlineNanos = System.nanoTime() + DRAIN_LIMIT_FACTOR * options.serverTimeout().toNanos();
            p.setState(PendingRequest.DRAINING);
        }
        if (error != null) {
            fail(f, error);
        }
    }

    /**
     * Frees a DRAINING slot once its late answer has landed, or once the answer is overdue by far more
     * than any live worker needs to write one (its ticket was scribbled, or its worker died mid-write).
     * Poller thread only.
     */
    boolean drain(PendingRequest p, long now) {
        Session s = p.session;
        long ticket = s.responses.ticketOf(s.clientIndex(), p.slot);
        if (ticket != ticket(p.requestId, TICKET_DONE) && now - p.drainDeadlineNanos < 0) {
            return false;
        }
        s.responses.free(s.clientIndex(), p.slot);
        s.clearInFlight(p.slot);
        s.releaseSlot(p);
        return true;
    }

    KvsTimeoutException timeout(RequestFuture<?> f) {
        return new KvsTimeoutException(f.describe() + " on '" + name + "' got no answer within "
                + TimeUnit.NANOSECONDS.toMillis(f.timeoutNanos) + " ms");
    }

    /** Fails every request of a session being abandoned. Poller thread only. */
    void failAll(Session s, String reason) {
        s.dead = true;
        KvsUnavailableException error = new KvsUnavailableException(reason);
        for (PendingRequest p : s.pendings) {
            if (p.state() == PendingRequest.IN_FLIGHT && p.casState(PendingRequest.IN_FLIGHT, PendingRequest.COMPLETING)) {
                fail(p.future, error);
            }
        }
    }

    private void completeFrom(RequestFuture<?> f, int status, byte[] value) {
        if (completionExecutor == null) {
            f.completeFrom(status, value);
        } else {
            completionExecutor.execute(() -> f.completeFrom(status, value));
        }
    }

    void fail(RequestFuture<?> f, Throwable error) {
        if (completionExecutor == null) {
            f.completeExceptionally(error);
        } else {
            completionExecutor.execute(() -> f.completeExceptionally(error));
        }
    }

    /** Fails pending requests, releases the client entry and stops the poller. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LockSupport.unpark(pollerThread);
        if (Thread.currentThread() != pollerThread) {
            boolean interrupted = false;
            while (pollerThread.isAlive()) {
                try {
                    pollerThread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
