package io.concurrentkvs.core;

import io.concurrentkvs.core.internal.region.Counters;
import io.concurrentkvs.core.internal.region.Processes;
import io.concurrentkvs.core.internal.region.Region;
import io.concurrentkvs.core.internal.region.RegionHeaderDescriptor;
import io.concurrentkvs.core.internal.region.RegionPaths;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * A snapshot of a store's header: server identity and state, limits, and the statistics counters the
 * server publishes once per heartbeat. Reading it does not register a client or disturb the server.
 *
 * <p>Counters are totals since the server started; sample twice and divide by the time between
 * samples for rates. Immutable.
 *
 * @param path the region file
 * @param state RUNNING, STOPPING, STOPPED or INITIALIZING
 * @param serverPid process id of the server that created the region
 * @param serverAlive whether that process is alive now
 * @param epoch changes at every server start
 * @param started when the server created the region
 * @param lastHeartbeat the server's last heartbeat
 * @param workers worker threads
 * @param stripes lock stripes of the store
 * @param ringCapacity request ring slots
 * @param maxKeyBytes key limit
 * @param maxValueBytes value limit
 * @param maxClients client table capacity
 * @param responseSlotsPerClient most requests one connection has in flight
 * @param gets GET requests served
 * @param getHits GETs that found their key
 * @param sets SETs served
 * @param posts POSTs served
 * @param postsRejected POSTs that found their key present
 * @param dels DELs served
 * @param delHits DELs that removed a key
 * @param malformedRequests requests rejected as malformed
 * @param staleAnswers answers dropped because their client had stopped waiting or gone away
 * @param skippedSlots ring slots skipped because their producer stalled
 * @param ringRepairs corrupt ring indices or sequences the server repaired (written by a buggy or
 *     hostile process; see docs/SECURITY.md)
 * @param clientsConnected client-table entries in use
 * @param clientsReclaimed entries reclaimed from dead clients
 * @param storedEntries entries in the store
 * @param ringDepth requests waiting in the ring
 */
public record KvsStats(
        Path path,
        String state,
        long serverPid,
        boolean serverAlive,
        long epoch,
        Instant started,
        Instant lastHeartbeat,
        int workers,
        int stripes,
        int ringCapacity,
        int maxKeyBytes,
        int maxValueBytes,
        int maxClients,
        int responseSlotsPerClient,
        long gets,
        long getHits,
        long sets,
        long posts,
        long postsRejected,
        long dels,
        long delHits,
        long malformedRequests,
        long staleAnswers,
        long skippedSlots,
        long ringRepairs,
        long clientsConnected,
        long clientsReclaimed,
        long storedEntries,
        long ringDepth) {

    /**
     * Reads the header of the store {@code name}.
     *
     * @throws KvsUnavailableException if no region exists under the name
     * @throws KvsIncompatibleRegionException if the file is not a usable region
     */
    public static KvsStats read(String name) {
        return read(RegionPaths.defaultPath(RegionPaths.normalizeName(name)));
    }

    /** Reads the header of the region at {@code path}; needs only read permission. */
    public static KvsStats read(Path path) {
        Region r = Region.readHeader(path);
        var g = r.geometry();
        var h = r.header();
        return new KvsStats(
                path,
                RegionHeaderDescriptor.stateName(r.state()),
                r.serverPid(),
                Processes.isAlive(r.serverPid(), r.serverProcessStartMillis()),
                r.epoch(),
                Instant.ofEpochMilli(h.getLong(RegionHeaderDescriptor.CREATED_MILLIS_OFFSET)),
                Instant.ofEpochMilli(r.heartbeat()),
                h.getInt(RegionHeaderDescriptor.WORKERS_OFFSET),
                h.getInt(RegionHeaderDescriptor.STRIPES_OFFSET),
                g.ringCapacity(),
                g.maxKeyBytes(),
                g.maxValueBytes(),
                g.clientCapacity(),
                g.responseSlotsPerClient(),
                r.counter(Counters.GETS),
                r.counter(Counters.GET_HITS),
                r.counter(Counters.SETS),
                r.counter(Counters.POSTS),
                r.counter(Counters.POST_REJECTED),
                r.counter(Counters.DELS),
                r.counter(Counters.DEL_HITS),
                r.counter(Counters.MALFORMED_REQUESTS),
                r.counter(Counters.STALE_ANSWERS),
                r.counter(Counters.SKIPPED_SLOTS),
                r.counter(Counters.RING_REPAIRS),
                r.counter(Counters.CLIENTS_CONNECTED),
                r.counter(Counters.CLIENTS_RECLAIMED),
                r.counter(Counters.STORED_ENTRIES),
                r.counter(Counters.RING_DEPTH));
    }

    /** Total requests served. */
    public long totalOps() {
        return gets + sets + posts + dels;
    }

    /** Time since the server created the region, as of {@code now}. */
    public Duration uptime(Instant now) {
        return Duration.between(started, now);
    }
}
