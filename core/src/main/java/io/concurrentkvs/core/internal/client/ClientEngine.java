package io.concurrentkvs.core.internal.client;

import io.concurrentkvs.core.ConnectionOptions;
import io.concurrentkvs.core.KvsCapacityException;
import io.concurrentkvs.core.KvsException;
import io.concurrentkvs.core.KvsTimeoutException;
import io.concurrentkvs.core.KvsUnavailableException;
import io.concurrentkvs.core.internal.Threads;
import io.concurrentkvs.core.internal.backend.KvsBackend;
import io.concurrentkvs.core.internal.jfr.RequestTimeoutEvent;
import io.concurrentkvs.core.internal.metrics.RequestListeners;
import io.concurrentkvs.core.internal.region.Processes;
import io.concurrentkvs.core.internal.region.Region;
import io.concurrentkvs.core.internal.region.RegionHeaderDescriptor;
import io.concurrentkvs.core.internal.region.RegionNotReadyException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.varhandle.MpscUnboundedVarHandleArrayQueue;

/**
 * The asynchronous core of a connection: takes requests from any thread, sends them in batches,
 * completes them exactly once, and follows the server through deaths and restarts. The public
 * {@code KvsConnection} and every client view delegate here.
 *
 * <p><b>Threads and owners.</b> {@link #submit} runs on the caller's thread: it queues the request on a
 * JCTools MPSC queue (the hand-off) and returns without blocking. Everything that touches the region on
 * the client's behalf — taking queued requests, writing batches, watching answers — is done by whoever
 * holds the <em>drive token</em>, one thread at a time, in the current session's {@link Dispatcher}. The
 * poller thread takes the token on every pass. A caller that finds the connection idle (nothing in
 * flight) and the token free takes it to send its own request at once, without waking anyone; it never
 * completes another request there. While requests are in flight, new ones queue up and the poller sends
 * them together in its next pass. Futures complete on the poller thread (or the configured completion
 * executor), or on a thread waiting in a future's own {@code get}/{@code join}.
 *
 * <p><b>Mappings.</b> Each connection maps each server's region once, and unmaps it deterministically when
 * it is done with it (a closed connection, a server replaced by a new one): see {@link MappingGuard} for
 * how the threads that read the region without the drive token are kept off a mapping being unmapped.
 *
 * <p>Field owners: {@link #session} and {@link #downReason} are written by the poller while it holds the
 * token; {@link #closed} by {@link #close}; {@link #waiting} is incremented by callers and decremented by
 * the token holder; {@link #pollerParking} and {@link #cancellations} are set by the poller and cleared
 * by callers (or the reverse), as their comments say.
 */
public final class ClientEngine implements KvsBackend {
    private static final VarHandle DRIVE;
    private static final VarHandle POLLER_PARKING;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            DRIVE = lookup.findVarHandle(ClientEngine.class, "drive", int.class);
            POLLER_PARKING = lookup.findVarHandle(ClientEngine.class, "pollerParking", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final String name;
    final Path path;
    final ConnectionOptions options;
    private final long syncSpinNanos;
    private final Executor completionExecutor;

    /**
     * Callers' requests for the poller. JCTools' VarHandle flavour: the same algorithm as its Unsafe queues, without
     * {@code sun.misc.Unsafe}, which Java 24+ warns about on first use.
     */
    final MpscUnboundedVarHandleArrayQueue<RequestFuture<?>> handoff = new MpscUnboundedVarHandleArrayQueue<>(1024);
    /** Requests submitted and neither sent nor failed yet (in the hand-off queue or a dispatcher's queue). */
    final AtomicInteger waiting = new AtomicInteger();
    /** Told of every request as it completes (metrics); usually none. Read by each request's completion. */
    final RequestListeners requestListeners = new RequestListeners();

    @SuppressWarnings("unused") // accessed through DRIVE: 1 while a thread drives the dispatcher
    private volatile int drive;

    /** The session requests go to, or null while no server is attached. Written by the poller only. */
    volatile Session session;
    /** Why {@link #session} is null. Written by the poller only. */
    volatile String downReason;

    volatile boolean closed;
    /** Why calls fail once closed; written before {@link #closed}. */
    private volatile String closedReason;
    /** Set by the poller just before it parks; cleared by the first sender that unparks it. */
    volatile boolean pollerParking;
    /** Set when a future is cancelled, so the poller looks for runs to free; cleared by the poller. */
    volatile boolean cancellations;

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
        ClientEngine engine;
        try {
            requireLiveServer(name, region);
            engine = new ClientEngine(name, path, options, Session.open(region, guardFor(region)));
        } catch (RuntimeException | Error e) {
            // No other thread has seen the mapping.
            region.unmap();
            throw e;
        }
        engine.pollerThread.start();
        return engine;
    }

    /** The guard of a mapping this connection just made, which unmaps {@code region} once released. */
    static MappingGuard guardFor(Region region) {
        return new MappingGuard(region::unmap);
    }

    private static Region attachWaitingForReady(Path path, long timeoutNanos) {
        long start = System.nanoTime();
        while (true) {
            try {
                return Region.attach(path);
            } catch (RegionNotReadyException e) {
                // The only unavailability that passes by itself: the server is writing the header.
                if (System.nanoTime() - start > timeoutNanos) {
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

    Executor completionExecutor() {
        return completionExecutor;
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
        if (closed || s == null || !s.guard.enter()) {
            return false;
        }
        try {
            return s.region.state() == RegionHeaderDescriptor.STATE_RUNNING;
        } finally {
            s.guard.exit();
        }
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

    /**
     * The listeners told of every request of this connection as it completes, each once, whatever ends
     * it (answer, timeout, failure, cancellation); see {@link RequestFuture} for where.
     */
    @Override
    public RequestListeners requestListeners() {
        return requestListeners;
    }

    /**
     * Requests in flight: those holding response slots, plus those on their way to free slots (queued
     * while the poller sends), up to the number of slots. Requests waiting for a slot are not counted.
     */
    public int inFlight() {
        Session s = session;
        if (s == null) {
            return 0;
        }
        Dispatcher d = s.dispatcher;
        return (int) Math.min(d.slotCount(), (long) d.activeSlots() + waiting.get());
    }

    /**
     * Sends one request. Never blocks; the returned future completes with the decoded answer or fails
     * with a {@link KvsException}.
     */
    public <T> RequestFuture<T> submit(
            int opcode, byte[] key, byte[] value, ResponseDecoder<T> decoder, long timeoutNanos) {
        RequestFuture<T> f = new RequestFuture<>(
                this, requestListeners, opcode, key, value, decoder, timeoutNanos, System.nanoTime());
        if (closed) {
            f.completeExceptionally(new KvsUnavailableException(closedMessage()));
            return f;
        }
        Session s = session;
        if (s == null) {
            f.completeExceptionally(new KvsUnavailableException(downReason));
            return f;
        }
        // Without the drive token: the poller may have abandoned s (and retired its mapping) since we read it.
        MappingGuard guard = s.guard;
        if (!guard.enter()) {
            String reason = closed ? closedMessage() : downReason;
            f.completeExceptionally(new KvsUnavailableException(
                    reason != null ? reason : "server of '" + name + "' is gone: " + f.describe() + " not sent"));
            return f;
        }
        int state;
        try {
            state = s.region.state();
        } finally {
            guard.exit();
        }
        if (state != RegionHeaderDescriptor.STATE_RUNNING) {
            f.completeExceptionally(new KvsUnavailableException("server of '" + name + "' is "
                    + RegionHeaderDescriptor.stateName(state) + ": " + f.describe() + " not sent"));
            return f;
        }
        if (waiting.incrementAndGet() > options.maxWaitingRequests()) {
            waiting.decrementAndGet();
            f.completeExceptionally(new KvsCapacityException("too many requests waiting for a free response slot on '"
                    + name + "' (limit " + options.maxWaitingRequests() + "): slow down or raise maxWaitingRequests"));
            return f;
        }
        handoff.offer(f);
        // Smart batching: on an idle connection the request goes at once, from this thread; while others
        // are in flight it joins the batch the poller sends next (it is awake while answers are due).
        while (s.dispatcher.activeSlots() == 0 && tryAcquireDrive()) {
            try {
                sendQueued();
            } finally {
                releaseDrive();
            }
            if (handoff.isEmpty()) {
                break;
            }
        }
        wakePoller();
        if (closed) {
            // Raced with close(): the poller may have drained the hand-off for the last time already.
            f.completeExceptionally(new KvsUnavailableException(closedMessage()));
        }
        return f;
    }

    /**
     * Takes the drive token if free. Any thread. A caller that sent re-checks the hand-off queue after
     * releasing it; the poller passes again at once while the queue is not empty.
     */
    boolean tryAcquireDrive() {
        return (int) DRIVE.getVolatile(this) == 0 && DRIVE.compareAndSet(this, 0, 1);
    }

    void releaseDrive() {
        DRIVE.setRelease(this, 0);
    }

    /** Moves the hand-off queue into the current session's dispatcher and sends. Holder of the token only. */
    int sendQueued() {
        Session s = session;
        if (s == null) {
            return 0;
        }
        Dispatcher d = s.dispatcher;
        int moved = 0;
        RequestFuture<?> f;
        while ((f = handoff.relaxedPoll()) != null) {
            d.enqueue(f);
            moved++;
        }
        int left = d.send();
        if (left > 0) {
            waiting.addAndGet(-left);
        }
        return moved + left;
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

    /** A future was cancelled: the poller frees the runs whose requests are all done. */
    void requestCancelled() {
        cancellations = true;
        wakePoller();
    }

    /** The timeout failure of {@code f}, whose deadline passed; records a JFR event when enabled. */
    KvsTimeoutException timeout(RequestFuture<?> f) {
        RequestTimeoutEvent.record(name, f.describe(), f.timeoutNanos, f.isSent());
        return new KvsTimeoutException(f.describe() + " on '" + name + "' got no answer within "
                + TimeUnit.NANOSECONDS.toMillis(f.timeoutNanos) + " ms");
    }

    /** Fails {@code f} (if not yet done) on the poller thread or the completion executor. */
    void fail(RequestFuture<?> f, Throwable error) {
        if (f.isDone()) {
            return;
        }
        if (completionExecutor == null) {
            f.completeExceptionally(error);
        } else {
            completionExecutor.execute(() -> f.completeExceptionally(error));
        }
    }

    String closedMessage() {
        String reason = closedReason;
        return reason != null ? reason : "connection to '" + name + "' is closed";
    }

    /**
     * Closes the connection because its poller died of {@code cause}: later calls fail with
     * {@link KvsUnavailableException} naming it. Poller thread only; the poller then fails what is pending.
     */
    void closedBy(Throwable cause) {
        closedReason = "connection to '" + name + "' is closed: its poller thread died of " + cause;
        closed = true;
    }

    /**
     * Fails pending requests, releases the client entry and stops the poller, which unmaps the region before
     * it ends (see {@link Poller}). Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LockSupport.unpark(pollerThread);
        if (Thread.currentThread() != pollerThread) {
            Threads.joinUninterruptibly(pollerThread);
        }
    }
}
