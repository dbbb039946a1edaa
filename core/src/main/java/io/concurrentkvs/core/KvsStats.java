package io.concurrentkvs.core;

import io.concurrentkvs.core.internal.region.Counters;
import io.concurrentkvs.core.internal.region.Processes;
import io.concurrentkvs.core.internal.region.Region;
import io.concurrentkvs.core.internal.region.RegionHeaderDescriptor;
import io.concurrentkvs.core.internal.region.RegionPaths;
import io.concurrentkvs.core.internal.store.StoreFile;
import io.concurrentkvs.core.internal.store.StoreUsage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A snapshot of a store's header: server identity and state, limits, and the statistics counters the
 * server publishes once per heartbeat; and how full the store file beside the region is ({@link
 * #storePath()}). Reading it does not register a client or disturb the server.
 *
 * <p>Counters are totals since the server started; sample twice and divide by the time between
 * samples for rates. The store's numbers ({@code maxEntries} through {@code storeFragmentation}) are read
 * from the store file itself, without locking it, as the serving server keeps them (or as the last server
 * left them): each is current, but writes in progress can make them disagree by a few records. They are
 * all zero when there is no store file. Immutable.
 *
 * @param path the region file
 * @param state RUNNING, STOPPING, STOPPED or INITIALIZING
 * @param serverPid process id of the server that created the region
 * @param serverAlive whether that process is alive now
 * @param epoch changes at every server start
 * @param started when the server created the region
 * @param lastHeartbeat the server's last heartbeat
 * @param workers worker threads
 * @param stripes segments of the store, each with its own hash index and lock
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
 * @param rejectedBatches ring batches dropped unapplied because their seal did not match (torn by a
 *     producer that resumed after its slot was skipped, or written by another process); their requests
 *     time out
 * @param clientsConnected client-table entries in use
 * @param clientsReclaimed entries reclaimed from dead clients
 * @param storedEntries entries in the store, as the server last published them with the counters
 * @param ringDepth requests waiting in the ring
 * @param capacityRejections writes refused because the store was full (answered with {@link
 *     KvsCapacityException})
 * @param corruptEntries entries found damaged (bad bounds or checksum) and answered absent, or dropped when
 *     the server adopted the store file
 * @param maxEntries the store's entry limit ({@link KvsServer.Builder#maxEntries(long)})
 * @param storeLiveBytes bytes of the live records: each a 24-byte header, its key and its value
 * @param storeBlockBytes bytes of the blocks holding the live records (each record rounded up to its size
 *     class)
 * @param storePageBytes bytes of the data pages in use: the blocks, the free blocks of partly used pages
 *     and the pages' unused tails
 * @param storeDataBytes the store's data capacity: {@link KvsServer.Builder#maxDataBytes(long)} rounded
 *     down to whole pages
 * @param storeFreeBytes data bytes no page holds yet: {@code storeDataBytes - storePageBytes}
 * @param storeFragmentation the share of the pages in use that holds no live record, from 0 to 1: {@code 1
 *     - storeLiveBytes / storePageBytes}, 0 while no page is in use
 * @param fsyncPolicy the server's {@link FsyncPolicy}, empty without {@link KvsServer.Builder#persistence
 *     persistence}
 * @param logBytes bytes of log in the persistence directory written since its last snapshot (the part a
 *     recovery replays); 0 without persistence
 * @param lastFsync when the server last forced its log to disk; empty if never (always so under {@code
 *     NEVER} until a clean stop)
 * @param lastSnapshot when the server last wrote a snapshot; empty if it has not yet
 * @param snapshotBytes bytes of the newest snapshot this server wrote or started from
 * @param persistenceRefusals writes refused unapplied because the log's disk was full (answered with a
 *     {@link KvsException})
 * @param logBytesDropped bytes of log records lost because the log failed (the server stops when it does)
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
        long rejectedBatches,
        long clientsConnected,
        long clientsReclaimed,
        long storedEntries,
        long ringDepth,
        long capacityRejections,
        long corruptEntries,
        long maxEntries,
        long storeLiveBytes,
        long storeBlockBytes,
        long storePageBytes,
        long storeDataBytes,
        long storeFreeBytes,
        double storeFragmentation,
        Optional<FsyncPolicy> fsyncPolicy,
        long logBytes,
        Optional<Instant> lastFsync,
        Optional<Instant> lastSnapshot,
        long snapshotBytes,
        long persistenceRefusals,
        long logBytesDropped) {

    /**
     * Reads the header of the store {@code name}, at the name's default path.
     *
     * @param name the store name, "my_kvs" or "/my_kvs"
     * @return a snapshot of the header and the store file
     * @throws IllegalArgumentException if {@code name} is null or not a valid store name
     * @throws KvsUnavailableException if no region exists under the name
     * @throws KvsIncompatibleRegionException if the file is not a usable region, or its store file not a
     *     store this library reads
     */
    public static KvsStats read(String name) {
        return read(RegionPaths.defaultPath(RegionPaths.normalizeName(name)));
    }

    /**
     * Reads the header of the region at {@code path} and the summary of its store file; needs only read
     * permission.
     *
     * @param path the region file
     * @return a snapshot of the header and the store file
     * @throws KvsUnavailableException if no region exists at {@code path}
     * @throws KvsIncompatibleRegionException if the file is not a usable region, or its store file not a
     *     store this library reads
     */
    public static KvsStats read(Path path) {
        Region r = Region.readHeader(path);
        StoreFile.Summary summary = StoreFile.readSummary(StoreFile.pathFor(path));
        StoreUsage u = summary != null ? summary.usage() : new StoreUsage(0, 0, 0, 0, 0, 0);
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
                r.counter(Counters.REJECTED_BATCHES),
                r.counter(Counters.CLIENTS_CONNECTED),
                r.counter(Counters.CLIENTS_RECLAIMED),
                r.counter(Counters.STORED_ENTRIES),
                r.counter(Counters.RING_DEPTH),
                r.counter(Counters.CAPACITY_REJECTIONS),
                r.counter(Counters.CORRUPT_ENTRIES),
                u.maxEntries(),
                u.liveBytes(),
                u.blockBytes(),
                u.pageBytes(),
                u.dataBytes(),
                u.freeBytes(),
                // Read without the seqlock, live bytes may briefly run ahead of the pages: stay within 0..1.
                Math.max(0, Math.min(1, u.fragmentation())),
                policy(r.counter(Counters.FSYNC_POLICY)),
                r.counter(Counters.LOG_BYTES),
                instant(r.counter(Counters.LAST_FSYNC_MILLIS)),
                instant(r.counter(Counters.LAST_SNAPSHOT_MILLIS)),
                r.counter(Counters.SNAPSHOT_BYTES),
                r.counter(Counters.PERSISTENCE_REFUSALS),
                r.counter(Counters.LOG_BYTES_DROPPED));
    }

    private static Optional<FsyncPolicy> policy(long code) {
        FsyncPolicy[] policies = FsyncPolicy.values();
        return code >= 1 && code <= policies.length ? Optional.of(policies[(int) code - 1]) : Optional.empty();
    }

    private static Optional<Instant> instant(long epochMillis) {
        return epochMillis > 0 ? Optional.of(Instant.ofEpochMilli(epochMillis)) : Optional.empty();
    }

    /**
     * The store file beside the region, where the entries live.
     *
     * @return {@code <path>.store}
     */
    public Path storePath() {
        return StoreFile.pathFor(path);
    }

    /**
     * Total requests served.
     *
     * @return {@code gets + sets + posts + dels}
     */
    public long totalOps() {
        return gets + sets + posts + dels;
    }

    /**
     * Time since the server created the region.
     *
     * @param now the instant to measure to, usually {@link Instant#now()}
     * @return the time from {@link #started()} to {@code now}; negative if {@code now} is earlier
     */
    public Duration uptime(Instant now) {
        return Duration.between(started, now);
    }
}
