package io.concurrentkvs.micrometer;

import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.core.internal.metrics.MetricsAccess;
import io.concurrentkvs.core.internal.metrics.RequestListener;
import io.concurrentkvs.core.internal.metrics.RequestListeners;
import io.concurrentkvs.core.internal.metrics.RequestOp;
import io.concurrentkvs.core.internal.metrics.RequestOutcome;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Binds a {@link KvsConnection}'s client meters to a Micrometer registry:
 *
 * <ul>
 *   <li>{@value #REQUESTS} — a {@link Timer} of every request from the call to its completion, tagged
 *       {@value #OP_TAG} ({@code get}, {@code set}, {@code post}, {@code del}) and {@value #OUTCOME_TAG}:
 *       {@code hit} or {@code miss} (a GET that found or did not find its key), {@code success} (any
 *       answered SET, POST or DEL, including a POST that found its key present and a DEL that found it
 *       absent), {@code timeout}, {@code unavailable}, {@code capacity} (store full, or too many requests
 *       waiting for a response slot), {@code refused} (the server's persistence log refused the write),
 *       {@code cancelled}, {@code error}. The batch operations ({@code setAll}, {@code getAll}) are timed
 *       per element: each element is one request. A timer appears with the first request of its
 *       operation and outcome.
 *   <li>{@value #INFLIGHT} — a gauge of {@link KvsConnection#inFlight()}: requests sent and not yet
 *       answered, timed out or cancelled.
 * </ul>
 *
 * Every meter also carries the tag {@value #STORE_TAG} (the store name) and the tags given to the
 * constructor.
 *
 * <p>Cost: while bound, each request's completion reads the clock once and records into its timer
 * (an array lookup, no allocation by this class); an unbound connection pays nothing for metrics.
 * Several binders, and one binder bound to several registries, may observe one connection; binding one
 * binder twice to the same registry is ignored. {@link #close()} stops the timers' recording (the meters
 * stay in the registry).
 *
 * <p>Thread safety: thread-safe. Timers are recorded on whichever thread completes a request (the
 * connection's poller, its completion executor, or a thread waiting in the future's {@code get}).
 */
public final class KvsClientMetrics implements MeterBinder, AutoCloseable {
    /** The request timer's name. */
    public static final String REQUESTS = "kvs.client.requests";
    /** The in-flight gauge's name. */
    public static final String INFLIGHT = "kvs.client.inflight";
    /** The tag naming a request's operation. */
    public static final String OP_TAG = "op";
    /** The tag naming how a request ended. */
    public static final String OUTCOME_TAG = "outcome";
    /** The tag naming the store, on every meter. */
    public static final String STORE_TAG = "store";

    private final KvsConnection connection;
    private final Tags tags;
    private final RequestListeners listeners;
    /** One recorder per registry bound; guarded by this. */
    private final List<Recorder> recorders = new ArrayList<>();

    /**
     * A binder for {@code connection}'s meters, tagged with its store name.
     *
     * @param connection the connection whose requests the meters time (shared memory or Redis); not null
     */
    public KvsClientMetrics(KvsConnection connection) {
        this(connection, Tags.empty());
    }

    /**
     * A binder for {@code connection}'s meters, tagged with its store name and {@code tags}.
     *
     * @param connection the connection whose requests the meters time (shared memory or Redis); not null
     * @param tags extra tags on every meter (for example the application's name); not null
     */
    public KvsClientMetrics(KvsConnection connection, Iterable<Tag> tags) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags")).and(STORE_TAG, connection.name());
        this.listeners = MetricsAccess.requestListeners(connection);
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        for (Recorder r : recorders) {
            if (r.registry == registry) {
                return;
            }
        }
        Gauge.builder(INFLIGHT, connection, KvsConnection::inFlight)
                .tags(tags)
                .description("Requests sent and not yet answered, timed out or cancelled")
                .baseUnit("requests")
                .register(registry);
        Recorder recorder = new Recorder(registry, tags);
        recorders.add(recorder);
        listeners.add(recorder);
    }

    /** Stops recording requests into every registry this binder was bound to. Idempotent. */
    @Override
    public synchronized void close() {
        for (Recorder r : recorders) {
            listeners.remove(r);
        }
        recorders.clear();
    }

    /** Records the requests of one connection into one registry's timers, created on first use. */
    private static final class Recorder implements RequestListener {
        private static final RequestOp[] OPS = RequestOp.values();
        private static final RequestOutcome[] OUTCOMES = RequestOutcome.values();

        final MeterRegistry registry;
        private final Tags tags;
        /** Indexed by op ordinal * outcomes + outcome ordinal; a race creates the same timer twice, harmlessly. */
        private final AtomicReferenceArray<Timer> timers = new AtomicReferenceArray<>(OPS.length * OUTCOMES.length);

        Recorder(MeterRegistry registry, Tags tags) {
            this.registry = registry;
            this.tags = tags;
        }

        @Override
        public void requestCompleted(RequestOp op, RequestOutcome outcome, long durationNanos) {
            int i = op.ordinal() * OUTCOMES.length + outcome.ordinal();
            Timer timer = timers.get(i);
            if (timer == null) {
                // The registry returns the one timer of this id, however many threads ask.
                timer = Timer.builder(REQUESTS)
                        .tags(tags)
                        .tag(OP_TAG, op.tag())
                        .tag(OUTCOME_TAG, outcome.tag())
                        .description("Requests from the call to their completion, by operation and outcome")
                        .register(registry);
                timers.set(i, timer);
            }
            timer.record(durationNanos, TimeUnit.NANOSECONDS);
        }
    }
}
