package io.concurrentkvs.micrometer;

import io.concurrentkvs.core.KvsServer;
import io.concurrentkvs.core.internal.metrics.MetricsAccess;
import io.concurrentkvs.core.internal.metrics.RequestOp;
import io.concurrentkvs.core.internal.metrics.ServedRequests;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;

/**
 * Binds an in-process {@link KvsServer}'s meters to a Micrometer registry:
 *
 * <ul>
 *   <li>{@value #REQUESTS} — a {@link FunctionCounter} per operation, tagged {@value #OP_TAG} ({@code
 *       get}, {@code set}, {@code post}, {@code del}): the requests the server has served, as its monitor
 *       publishes them once per heartbeat (the same numbers as {@code KvsStats.gets()} and the others
 *       during the server's first run). They count on over {@code stop()}/{@code start()} of the same
 *       server object, so they never go back, where the region's counters start from zero at each start.
 *   <li>{@value #ENTRIES} — a gauge of {@link KvsServer#storageSize()}: the entries in the store (while
 *       stopped, as many as when it stopped).
 * </ul>
 *
 * Every meter also carries the tag {@value #STORE_TAG} (the store name) and the tags given to the
 * constructor. Reading a meter reads a few heap counters of the server and touches no shared memory; the
 * request path pays nothing for it.
 *
 * <p>Thread safety: thread-safe; the meters may be read from any thread while the server runs, stops or
 * restarts.
 */
public final class KvsServerMetrics implements MeterBinder {
    /** The served-requests counters' name. */
    public static final String REQUESTS = "kvs.server.requests";
    /** The stored-entries gauge's name. */
    public static final String ENTRIES = "kvs.server.entries";
    /** The tag naming a request's operation. */
    public static final String OP_TAG = "op";
    /** The tag naming the store, on every meter. */
    public static final String STORE_TAG = "store";

    private final KvsServer server;
    private final Tags tags;
    private final ServedRequests served;

    /**
     * A binder for {@code server}'s meters, tagged with its store name.
     *
     * @param server the server whose served requests and entries the meters read; not null
     */
    public KvsServerMetrics(KvsServer server) {
        this(server, Tags.empty());
    }

    /**
     * A binder for {@code server}'s meters, tagged with its store name and {@code tags}.
     *
     * @param server the server whose served requests and entries the meters read; not null
     * @param tags extra tags on every meter (for example the application's name); not null
     */
    public KvsServerMetrics(KvsServer server, Iterable<Tag> tags) {
        this.server = Objects.requireNonNull(server, "server");
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags")).and(STORE_TAG, server.name());
        this.served = MetricsAccess.servedRequests(server);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        for (RequestOp op : RequestOp.values()) {
            FunctionCounter.builder(REQUESTS, served, s -> s.total(op))
                    .tags(tags)
                    .tag(OP_TAG, op.tag())
                    .description("Requests the server has served, by operation")
                    .baseUnit("requests")
                    .register(registry);
        }
        Gauge.builder(ENTRIES, server, KvsServer::storageSize)
                .tags(tags)
                .description("Entries in the store")
                .baseUnit("entries")
                .register(registry);
    }
}
