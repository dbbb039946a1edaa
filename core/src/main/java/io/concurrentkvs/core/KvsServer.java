package io.concurrentkvs.core;

import io.concurrentkvs.core.internal.metrics.MetricsAccess;
import io.concurrentkvs.core.internal.metrics.ServedRequests;
import io.concurrentkvs.core.internal.persist.Persistence;
import io.concurrentkvs.core.internal.region.Processes;
import io.concurrentkvs.core.internal.region.Region;
import io.concurrentkvs.core.internal.region.RegionGeometry;
import io.concurrentkvs.core.internal.region.RegionHeaderDescriptor;
import io.concurrentkvs.core.internal.region.RegionLock;
import io.concurrentkvs.core.internal.region.RegionPaths;
import io.concurrentkvs.core.internal.region.ServerIdentity;
import io.concurrentkvs.core.internal.server.ServerRuntime;
import io.concurrentkvs.core.internal.store.AdoptionReport;
import io.concurrentkvs.core.internal.store.SharedStore;
import io.concurrentkvs.core.internal.store.StoreFile;
import io.concurrentkvs.core.internal.store.StoreGeometry;
import io.concurrentkvs.core.internal.store.StoreLayout;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key-value server: creates the shared-memory region for a store name and serves GET, SET, POST and
 * DEL from any number of client processes with a pool of worker threads.
 *
 * <pre>{@code
 * try (KvsServer server = KvsServer.builder("my_kvs").workers(2).stripes(16).build()) {
 *     server.start();
 *     ...
 * }
 * }</pre>
 *
 * <p>The entries live in shared memory too, in the store file beside the region ({@code
 * /dev/shm/<name>.store}), which outlives the server: after {@link #stop()}, {@link #close()} or a
 * {@code kill -9}, the next server started on the name adopts it and serves every acknowledged write
 * again. {@link Builder#fresh(boolean)} starts empty instead, {@link #destroy(String)} removes the data, and
 * {@link Builder#maxEntries(long)} and {@link Builder#maxDataBytes(long)} bound it (a write that finds the
 * store full fails with {@link KvsCapacityException}). The whole file is reserved at start, so a full
 * {@code /dev/shm} fails there.
 *
 * <p>With {@link Builder#persistence(Path)} the store is also logged to a directory on disk, forced as
 * {@link Builder#fsync(FsyncPolicy)} says and compacted into snapshots in the background; a server started
 * when the shared memory is gone (a reboot, {@link #destroy}) recovers from it.
 *
 * <p>{@link #start()} first takes the name's lock file ({@code <region path>.lock}, an exclusive lock held
 * until {@link #stop()}; a server holding it, in this JVM or another process, makes this one fail with
 * {@link KvsRegionInUseException} naming its pid), then opens (or adopts) the store, then creates a fresh
 * region (a new file with a new epoch; a region left by a dead server is replaced). A file at the region or
 * store path that is not this library's is refused with {@link KvsIncompatibleRegionException} and never
 * deleted. {@link #stop()} lets requests already in the ring finish while new ones fail
 * fast with {@link KvsUnavailableException}, then closes the store; the next {@link #start()} adopts it
 * again, and connected clients re-attach by themselves. {@link #close()} stops and removes the region's
 * file; the store file stays.
 *
 * <p>Thread safety: all methods may be called from any thread; start, stop and close are serialized.
 */
public final class KvsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KvsServer.class);

    static {
        // kvs-micrometer's server binder reads the served requests; no public method exposes them.
        MetricsAccess.installServerAccess(s -> s.servedRequests);
    }

    /**
     * Default number of worker threads: half the available processors, at least one and at most four
     * (1 on 2 cores, 4 on 8 or more). Half leaves the other cores to the client processes; four is
     * enough because workers apply whole batches (one worker serves several million requests a second
     * of small values) and one connection's batches are applied one at a time in any case.
     */
    public static final int DEFAULT_WORKERS =
            Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));
    /** Default number of store segments, each with its own hash index and lock: see {@link Builder#stripes}. */
    public static final int DEFAULT_STRIPES = 16;

    /** Default number of request ring slots: see {@link Builder#ringSize}. */
    public static final int DEFAULT_RING_SIZE = 2048;
    /** Default key limit, in encoded bytes: see {@link Builder#maxKeyBytes}. */
    public static final int DEFAULT_MAX_KEY_BYTES = 256;
    /** Default value limit, in encoded bytes: see {@link Builder#maxValueBytes}. */
    public static final int DEFAULT_MAX_VALUE_BYTES = 4096;
    /** Default capacity of the client table, in connections: see {@link Builder#maxClients}. */
    public static final int DEFAULT_MAX_CLIENTS = 32;
    /** Default response slots per client: see {@link Builder#responseSlotsPerClient}. */
    public static final int DEFAULT_RESPONSE_SLOTS = 256;
    /** Default time a claimed ring slot may stay unpublished before workers skip it: see {@link Builder#stallTimeout}. */
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(2);
    /** Default interval of the server's heartbeat and dead-client reaping: see {@link Builder#heartbeatInterval}. */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofMillis(100);
    /** Default time after which a client with a still heartbeat is reaped: see {@link Builder#clientTimeout}. */
    public static final Duration DEFAULT_CLIENT_TIMEOUT = Duration.ofSeconds(10);
    /** Default entry limit: 1,048,576 entries (an index of 12 MiB). */
    public static final long DEFAULT_MAX_ENTRIES = 1L << 20;
    /**
     * Default data limit: 256 MiB of records, about a million entries of 200 bytes (a record is its key, its
     * value and 24 bytes, rounded up to a size class at most 25% larger).
     */
    public static final long DEFAULT_MAX_DATA_BYTES = 256L << 20;

    private final String name;
    private final Path path;
    private final int defaultWorkers;
    private final RegionGeometry geometry;
    private final IdleStrategy idleStrategy;
    private final Set<PosixFilePermission> permissions;
    private final Duration clientTimeout;
    private final StoreGeometry storeGeometry;
    private final Path storePath;
    private final boolean fresh;
    /** The persistence directory, or null. */
    private final Path persistenceDirectory;

    private final FsyncPolicy fsyncPolicy;
    private final Persistence.Tuning persistenceTuning;

    private ServerRuntime runtime;
    /** Open from start() to stop() when persistence is on. */
    private Persistence persistence;
    /** Held from start() to stop(): only its holder creates or unlinks the region and the store file. */
    private RegionLock lock;

    private StoreFile storeFile;
    private volatile SharedStore store;
    /** Entries when the store was last closed, for {@link #storageSize()} while stopped. */
    private volatile long entriesWhenClosed;

    private boolean startedOnce;
    /** Epoch of the last region this server created, 0 if none: close() removes only its own file. */
    private long createdEpoch;

    private boolean closed;

    /** The requests served over all runs, for metrics; each run publishes into it, endRun closes its run. */
    private final ServedRequests servedRequests = new ServedRequests();

    private KvsServer(Builder b) {
        this.name = RegionPaths.normalizeName(b.name);
        this.path = b.path != null ? b.path : RegionPaths.defaultPath(name);
        this.defaultWorkers = b.workers;
        this.geometry = new RegionGeometry(
                b.ringSize,
                b.maxKeyBytes,
                b.maxValueBytes,
                b.maxClients,
                b.responseSlots,
                toMillis("stallTimeout", b.stallTimeout),
                toMillis("heartbeatInterval", b.heartbeatInterval));
        this.idleStrategy = b.idleStrategy;
        this.permissions = Set.copyOf(b.permissions);
        this.clientTimeout = b.clientTimeout;
        this.storeGeometry = new StoreGeometry(
                b.stripes, b.maxEntries, b.maxDataBytes, StoreLayout.recordLength(b.maxKeyBytes, b.maxValueBytes));
        this.storePath = StoreFile.pathFor(path);
        this.fresh = b.fresh;
        this.persistenceDirectory = b.persistenceDirectory;
        this.fsyncPolicy = b.fsyncPolicy != null ? b.fsyncPolicy : FsyncPolicy.EVERY_SECOND;
        this.persistenceTuning = b.persistenceTuning;
        if (b.fsyncPolicy != null && persistenceDirectory == null) {
            throw new IllegalArgumentException("fsync(" + b.fsyncPolicy + ") needs persistence(directory): without"
                    + " it nothing is written to disk");
        }
    }

    private static int toMillis(String what, Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1 || millis > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " out of range: " + duration);
        }
        return (int) millis;
    }

    /**
     * A builder for a server on the POSIX shared-memory name {@code name} ("my_kvs" or "/my_kvs").
     *
     * @param name the store name: 1-200 letters, digits, {@code . _ -}, optionally after one leading slash
     * @return a builder with every setting at its default
     * @throws IllegalArgumentException if {@code name} is null or not a valid store name
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * Starts with the configured number of {@link Builder#workers workers}; see {@link #start(int)}.
     *
     * @return {@code true} if started, {@code false} if this server was already running
     * @throws KvsRegionInUseException if another live server owns the name
     * @throws KvsIncompatibleRegionException if a file at the region or store path is not this library's
     * @throws KvsException if the region or store cannot be created
     * @throws IllegalStateException if the server was closed
     */
    public boolean start() {
        return start(defaultWorkers);
    }

    /**
     * Creates the region and starts {@code workers} worker threads. On return the region is marked
     * RUNNING and clients can connect.
     *
     * @param workers worker threads for this run, at least 1
     * @return {@code true} if started, {@code false} if this server was already running
     * @throws KvsRegionInUseException if another live server owns the name
     * @throws KvsIncompatibleRegionException if a file at the region or store path is not this library's
     * @throws KvsException if the region or store cannot be created
     * @throws IllegalArgumentException if {@code workers} is less than 1
     * @throws IllegalStateException if the server was closed
     */
    public synchronized boolean start(int workers) {
        if (closed) {
            throw new IllegalStateException("server '" + name + "' is closed");
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1: " + workers);
        }
        if (runtime != null) {
            return false;
        }
        RegionLock held = RegionLock.acquire(path);
        boolean discard = fresh && !startedOnce;
        try {
            removeDeadRegion();
            openStore(discard);
        } catch (RuntimeException | Error e) {
            held.close();
            throw e;
        }
        try {
            openPersistence(discard);
        } catch (RuntimeException | Error e) {
            boolean createdHere = storeFile.isBlank() && store.size() == 0;
            closeStore();
            if (createdHere) {
                // Made blank by this start only to be refused: leave /dev/shm as it was.
                try {
                    StoreFile.delete(storePath);
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            held.close();
            throw e;
        }
        try {
            long now = System.currentTimeMillis();
            ServerIdentity identity = new ServerIdentity(
                    Processes.currentPid(),
                    Processes.currentStartMillis(),
                    ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE),
                    now,
                    workers,
                    storeGeometry.stripes());
            Region region = Region.create(path, geometry, permissions, identity);
            ServerRuntime started;
            try {
                started = new ServerRuntime(
                        region,
                        store,
                        persistence,
                        workers,
                        idleStrategy,
                        clientTimeout.toNanos(),
                        "kvs-" + name,
                        servedRequests,
                        this::stopAfterFailure);
            } catch (RuntimeException | Error e) {
                // No thread of the run exists yet: nothing but this one can touch the mapping.
                region.unmap();
                throw e;
            }
            try {
                started.start();
            } catch (RuntimeException | Error e) {
                // Some threads may have started (e.g. the next thread could not be created): join them first.
                started.stop();
                servedRequests.runEnded();
                region.unmap();
                throw e;
            }
            runtime = started;
            lock = held;
            createdEpoch = identity.epoch();
        } catch (RuntimeException | Error e) {
            closePersistence();
            closeStore();
            held.close();
            throw e;
        }
        LOG.info(
                "serving '{}' at {} with {} workers, idle strategy {}; {} entries",
                name,
                path,
                workers,
                idleStrategy,
                store.size());
        return true;
    }

    /** Opens the store file, blank or adopted; the first start of a {@code fresh} server discards its data. */
    private void openStore(boolean discard) {
        StoreFile file = StoreFile.open(storePath, storeGeometry, discard, permissions);
        if (persistenceDirectory != null
                && !file.isBlank()
                && file.recordedHistory() == StoreLayout.HISTORY_RECOVERING) {
            // A server died recovering into it from disk: incomplete, so recovered again from the directory.
            LOG.warn(
                    "store file {} was left half recovered from {}; recovering it again",
                    storePath,
                    persistenceDirectory);
            file.close();
            file = StoreFile.open(storePath, storeGeometry, true, permissions);
        }
        try {
            if (file.isBlank()) {
                store = SharedStore.format(
                        name,
                        file.memory(),
                        ThreadLocalRandom.current().nextLong(),
                        System.currentTimeMillis(),
                        Processes.currentPid());
            } else {
                store = SharedStore.adopt(name, file.memory());
                AdoptionReport report = store.adoption();
                LOG.info(
                        "adopted {} entries of store {} in {} ms",
                        report.entries(),
                        storePath,
                        report.nanos() / 1_000_000);
            }
        } catch (IllegalArgumentException e) {
            file.close();
            throw new KvsIncompatibleRegionException("store file " + storePath + " cannot be adopted: " + e.getMessage()
                    + ". Start with fresh(true) to discard it, or remove it with KvsServer.destroy");
        } catch (RuntimeException | Error e) {
            file.close();
            throw e;
        }
        file.recordOwner(Processes.currentPid());
        storeFile = file;
        startedOnce = true;
    }

    /**
     * Opens the persistence directory, if configured, with the store just opened: recovers the store from it
     * when the store is empty, then the store journals every write to its log.
     */
    private void openPersistence(boolean discard) {
        if (persistenceDirectory == null) {
            return;
        }
        persistence = Persistence.open(
                persistenceDirectory,
                fsyncPolicy,
                discard,
                store,
                geometry.maxKeyBytes(),
                geometry.maxValueBytes(),
                name,
                persistenceTuning);
    }

    /** Writes the rest of the log and lets go of the directory: only once no worker writes. */
    private void closePersistence() {
        if (persistence != null) {
            try {
                persistence.close();
            } finally {
                store.journalTo(null);
                persistence = null;
            }
        }
    }

    /** Unmaps the store: only once no worker or monitor can touch it. */
    private void closeStore() {
        if (storeFile != null) {
            entriesWhenClosed = store.size();
            storeFile.close();
            storeFile = null;
            store = null;
        }
    }

    /**
     * Under the lock: removes the region a dead or stopped server left, or one of ours it died creating. A
     * file that is not a region of ours is never deleted: it may be a user's file at an explicit path.
     */
    private void removeDeadRegion() {
        Region existing;
        try {
            existing = Region.attach(path);
        } catch (KvsUnavailableException | KvsIncompatibleRegionException e) {
            if (!Region.isOursOrEmpty(path)) {
                throw new KvsIncompatibleRegionException("file at " + path + " is not a Concurrent-KVS region ("
                        + e.getMessage() + "); it is left untouched: remove it yourself or choose another path");
            }
            if (java.nio.file.Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                LOG.warn("replacing region {} a dead server left unfinished or unusable: {}", path, e.getMessage());
                Region.unlink(path);
            }
            return;
        }
        int state;
        long pid;
        long processStart;
        try {
            state = existing.state();
            pid = existing.serverPid();
            processStart = existing.serverProcessStartMillis();
        } finally {
            // Mapped only to read these: a leftover mapping would pin the file after the unlink below.
            existing.unmap();
        }
        if (state != RegionHeaderDescriptor.STATE_STOPPED
                && pid != Processes.currentPid()
                && Processes.isAlive(pid, processStart)) {
            // We hold the lock, so this is a server of a version without one: still never take its name.
            throw new KvsRegionInUseException(
                    "store '" + name + "' at " + path + " is served by live process " + pid + " (state "
                            + RegionHeaderDescriptor.stateName(state) + ")",
                    pid);
        }
        LOG.info(
                "taking over region {} left by server pid {} (state {})",
                path,
                pid,
                RegionHeaderDescriptor.stateName(state));
        Region.unlink(path);
    }

    /**
     * Stops serving: requests already in the ring are answered, new requests fail fast with
     * {@link KvsUnavailableException}. Returns when the workers have finished, with this process's mapping of
     * the region released (the file stays, marked STOPPED, until the next start or {@link #close}). Does
     * nothing if not running.
     */
    public synchronized void stop() {
        if (runtime == null) {
            return;
        }
        endRun(false);
    }

    /**
     * Stops the run, unmaps its region and closes the store; then, if {@code unlinkRegion}, removes the
     * region file while still holding the lock (no other server can have replaced it yet); then lets go of
     * the lock. Only while running.
     */
    private void endRun(boolean unlinkRegion) {
        ServerRuntime stopped = runtime;
        stopped.stop();
        servedRequests.runEnded();
        runtime = null;
        // Its threads are joined: nothing in this process touches the region any more. Clients map it
        // themselves; the file stays, marked STOPPED, until a new start or close() removes it.
        stopped.region().unmap();
        closePersistence();
        closeStore();
        if (unlinkRegion) {
            Region.unlink(path);
        }
        lock.close();
        lock = null;
        LOG.info("stopped serving '{}'", name);
    }

    /**
     * A run's thread died, or its region file changed under it: stop it, on a thread of our own (stop joins
     * the run's threads, the failing one among them). {@link #isRunning} turns false once stopped, and
     * {@link #start} may then start a new run, which adopts the store.
     */
    private void stopAfterFailure(ServerRuntime failed, Throwable cause) {
        Thread stopper = new Thread(
                () -> {
                    synchronized (this) {
                        if (runtime == failed) {
                            stop();
                        }
                    }
                },
                "kvs-" + name + "-stop-after-failure");
        stopper.setDaemon(true);
        stopper.start();
    }

    /** Stops and removes the region's file; the store file, with the data, stays for the next server. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        if (runtime != null) {
            endRun(true);
        } else if (createdEpoch != 0) {
            try {
                RegionLock held = RegionLock.acquire(path);
                try {
                    if (Region.peekEpoch(path) == createdEpoch) {
                        Region.unlink(path);
                    }
                } finally {
                    held.close();
                }
            } catch (KvsRegionInUseException anotherServer) {
                // Another server has the name now; the region is its own.
            }
        }
        closed = true;
    }

    /**
     * Whether the server is serving: between a successful {@link #start()} and {@link #stop()} (or a run
     * that stopped because one of its threads died).
     *
     * @return {@code true} while running
     */
    public synchronized boolean isRunning() {
        return runtime != null;
    }

    /**
     * Number of stored entries: while running, the store's count (adopted entries included); while stopped,
     * the count when it stopped; 0 before the first start.
     *
     * @return the number of entries
     */
    public long storageSize() {
        SharedStore current = store;
        return current != null ? current.size() : entriesWhenClosed;
    }

    /**
     * The store file beside the region, where the entries live.
     *
     * @return {@code <region path>.store}
     */
    public Path storePath() {
        return storePath;
    }

    /**
     * Removes the shared-memory files of the store {@code name}: its store file (the data) and a region a
     * dead or stopped server left. A persistence directory is not touched.
     *
     * @param name the store name, "my_kvs" or "/my_kvs"
     * @throws KvsRegionInUseException while a server serves the name (in any process)
     * @throws IllegalArgumentException if the name is invalid
     */
    public static void destroy(String name) {
        destroy(RegionPaths.defaultPath(RegionPaths.normalizeName(name)));
    }

    /**
     * As {@link #destroy(String)}, for a server whose region is at the explicit {@code regionPath}.
     *
     * @param regionPath the region file the server was built with ({@link Builder#path})
     * @throws KvsRegionInUseException while a server serves it (in any process)
     * @throws NullPointerException if {@code regionPath} is null
     */
    public static void destroy(Path regionPath) {
        java.util.Objects.requireNonNull(regionPath, "regionPath");
        // Through the lock (and so through this JVM's registry of held locks): a destroy in a server's own
        // process is refused without opening the lock file, whose close would drop the server's lock.
        RegionLock held = RegionLock.acquire(regionPath);
        try {
            destroyLocked(regionPath);
        } finally {
            held.close();
        }
    }

    private static void destroyLocked(Path regionPath) {
        Region region = null;
        try {
            region = Region.readHeader(regionPath);
        } catch (KvsUnavailableException | KvsIncompatibleRegionException unusable) {
            // No region, or one no live server of ours serves: nothing to check.
        }
        if (region != null
                && region.state() != RegionHeaderDescriptor.STATE_STOPPED
                && Processes.isAlive(region.serverPid(), region.serverProcessStartMillis())) {
            throw new KvsRegionInUseException(
                    "cannot destroy store at " + regionPath + ": it is served by live process " + region.serverPid()
                            + " (state " + RegionHeaderDescriptor.stateName(region.state()) + ")",
                    region.serverPid());
        }
        StoreFile.delete(StoreFile.pathFor(regionPath));
        if (region != null || Region.isOursOrEmpty(regionPath)) {
            Region.unlink(regionPath);
        }
    }

    /**
     * The store name.
     *
     * @return the name given to {@link #builder}, without a leading slash
     */
    public String name() {
        return name;
    }

    /**
     * The region's file.
     *
     * @return the explicit {@link Builder#path path}, or the name's default ({@code /dev/shm/<name>} on Linux)
     */
    public Path path() {
        return path;
    }

    /**
     * The idle strategy the workers use.
     *
     * @return the configured strategy, {@link IdleStrategy#balanced()} by default
     */
    public IdleStrategy idleStrategy() {
        return idleStrategy;
    }

    /**
     * Maximum encoded key size.
     *
     * @return the key limit in bytes, as written into the region
     */
    public int maxKeyBytes() {
        return geometry.maxKeyBytes();
    }

    /**
     * Maximum encoded value size.
     *
     * @return the value limit in bytes, as written into the region
     */
    public int maxValueBytes() {
        return geometry.maxValueBytes();
    }

    /**
     * Configuration of a {@link KvsServer}; every setting has a {@code DEFAULT_...} constant. Not
     * thread-safe; build once.
     */
    public static final class Builder {
        private final String name;
        private Path path;
        private int workers = DEFAULT_WORKERS;
        private int stripes = DEFAULT_STRIPES;
        private int ringSize = DEFAULT_RING_SIZE;
        private int maxKeyBytes = DEFAULT_MAX_KEY_BYTES;
        private int maxValueBytes = DEFAULT_MAX_VALUE_BYTES;
        private int maxClients = DEFAULT_MAX_CLIENTS;
        private int responseSlots = DEFAULT_RESPONSE_SLOTS;
        private Duration stallTimeout = DEFAULT_STALL_TIMEOUT;
        private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
        private Duration clientTimeout = DEFAULT_CLIENT_TIMEOUT;
        private IdleStrategy idleStrategy = IdleStrategy.balanced();
        private long maxEntries = DEFAULT_MAX_ENTRIES;
        private long maxDataBytes = DEFAULT_MAX_DATA_BYTES;
        private boolean fresh;
        private Path persistenceDirectory;
        private FsyncPolicy fsyncPolicy;
        private Persistence.Tuning persistenceTuning = Persistence.Tuning.DEFAULT;
        private Set<PosixFilePermission> permissions = Region.defaultPermissions();

        private Builder(String name) {
            this.name = RegionPaths.normalizeName(name);
        }

        /**
         * Worker threads used by {@link KvsServer#start()}. Defaults to {@link #DEFAULT_WORKERS}.
         *
         * @param workers the number of workers, at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code workers} is less than 1
         */
        public Builder workers(int workers) {
            this.workers = requirePositive("workers", workers);
            return this;
        }

        /**
         * Segments of the store, each with its own index and lock (as the original's lock stripes). Writes
         * to different segments run in parallel; reads never lock. At most 65536; {@value #DEFAULT_STRIPES}
         * by default.
         *
         * @param stripes the number of segments, 1 to 65536
         * @return this builder
         * @throws IllegalArgumentException if {@code stripes} is less than 1 (more than 65536 fails in
         *     {@link #build()})
         */
        public Builder stripes(int stripes) {
            this.stripes = requirePositive("stripes", stripes);
            return this;
        }

        /**
         * The most entries the store holds; {@value #DEFAULT_MAX_ENTRIES} by default, at most 2^27. The
         * index takes 12 bytes per entry of shared memory, reserved at start.
         *
         * @param maxEntries the entry limit, 1 to 2^27
         * @return this builder
         * @throws IllegalArgumentException if {@code maxEntries} is less than 1 (more than 2^27 fails in
         *     {@link #build()})
         */
        public Builder maxEntries(long maxEntries) {
            if (maxEntries < 1) {
                throw new IllegalArgumentException("maxEntries must be >= 1: " + maxEntries);
            }
            this.maxEntries = maxEntries;
            return this;
        }

        /**
         * Shared memory for the entries' keys and values, reserved at start; 256 MiB by default. Rounded down
         * to whole pages of 16 KiB (or of the power of two that holds four of the largest records: 32 KiB with
         * the default limits). Each segment cuts its own pages, one size class per page, so a store needs
         * room for about {@code stripes x} (the number of record sizes in use) pages before it is full: with
         * 16 stripes and values of mixed sizes, give it 16 MiB or more, or fewer stripes.
         *
         * @param maxDataBytes the data limit in bytes; see {@link #DEFAULT_MAX_DATA_BYTES}
         * @return this builder
         * @throws IllegalArgumentException if {@code maxDataBytes} is less than 1 (less than one page fails in
         *     {@link #build()})
         */
        public Builder maxDataBytes(long maxDataBytes) {
            if (maxDataBytes < 1) {
                throw new IllegalArgumentException("maxDataBytes must be >= 1: " + maxDataBytes);
            }
            this.maxDataBytes = maxDataBytes;
            return this;
        }

        /**
         * Start empty, discarding the data a previous server left under the name (default false: adopt it).
         * Applies to this server's first start; a later restart of the same server keeps its data.
         *
         * @param fresh {@code true} to discard the previous data
         * @return this builder
         */
        public Builder fresh(boolean fresh) {
            this.fresh = fresh;
            return this;
        }

        /**
         * Persists the store to {@code directory} (SPEC 7.2): every applied write is appended to a log there,
         * forced to disk as {@link #fsync(FsyncPolicy)} says, and snapshots taken in the background once the log
         * has grown (past 64 MiB, and past the last snapshot's size) keep the directory bounded. A server started
         * on the name when the shared memory is gone (a reboot, {@link KvsServer#destroy}) recovers the store from
         * the directory; with the shared memory still there (a process crash, a stop) it adopts it, losing
         * nothing, and the directory catches up with it. The directory must exist and be writable; one server at
         * a time writes it (a lock file {@code persistence.lock} in it); {@link #fresh(boolean)} discards its
         * history too. Off by default.
         *
         * @param directory the persistence directory
         * @return this builder
         * @throws NullPointerException if {@code directory} is null
         */
        public Builder persistence(Path directory) {
            this.persistenceDirectory = java.util.Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * When the log is forced to disk; {@link FsyncPolicy#EVERY_SECOND} by default. Only with {@link
         * #persistence(Path)}: {@link #build()} refuses it otherwise.
         *
         * @param policy the fsync policy
         * @return this builder
         * @throws NullPointerException if {@code policy} is null
         */
        public Builder fsync(FsyncPolicy policy) {
            this.fsyncPolicy = java.util.Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Test settings of persistence (snapshot threshold, preallocation, a simulated full disk). */
        Builder persistenceTuning(Persistence.Tuning tuning) {
            this.persistenceTuning = java.util.Objects.requireNonNull(tuning, "tuning");
            return this;
        }

        /**
         * Request ring slots; a power of two from 2 to 2^20. Defaults to {@link #DEFAULT_RING_SIZE}.
         *
         * @param ringSize the number of slots
         * @return this builder
         * @throws IllegalArgumentException if {@code ringSize} is less than 1 (not a power of two, or out of
         *     range, fails in {@link #build()})
         */
        public Builder ringSize(int ringSize) {
            this.ringSize = requirePositive("ringSize", ringSize);
            return this;
        }

        /**
         * Largest encoded key, in bytes, 1 to 2^20; clients reject larger keys before sending. Defaults to
         * {@link #DEFAULT_MAX_KEY_BYTES}.
         *
         * @param maxKeyBytes the key limit in bytes
         * @return this builder
         * @throws IllegalArgumentException if {@code maxKeyBytes} is less than 1 (over 2^20 fails in
         *     {@link #build()})
         */
        public Builder maxKeyBytes(int maxKeyBytes) {
            this.maxKeyBytes = requirePositive("maxKeyBytes", maxKeyBytes);
            return this;
        }

        /**
         * Largest encoded value, in bytes, 0 to 16 MiB; clients reject larger values before sending. Defaults
         * to {@link #DEFAULT_MAX_VALUE_BYTES}.
         *
         * @param maxValueBytes the value limit in bytes
         * @return this builder
         * @throws IllegalArgumentException if {@code maxValueBytes} is negative (over 16 MiB fails in
         *     {@link #build()})
         */
        public Builder maxValueBytes(int maxValueBytes) {
            if (maxValueBytes < 0) {
                throw new IllegalArgumentException("maxValueBytes must be >= 0: " + maxValueBytes);
            }
            this.maxValueBytes = maxValueBytes;
            return this;
        }

        /**
         * Client connections the region has room for, 1 to 4096; a connect beyond it fails with
         * {@link KvsCapacityException}. Defaults to {@link #DEFAULT_MAX_CLIENTS}.
         *
         * @param maxClients the client table's capacity
         * @return this builder
         * @throws IllegalArgumentException if {@code maxClients} is less than 1 (over 4096 fails in
         *     {@link #build()})
         */
        public Builder maxClients(int maxClients) {
            this.maxClients = requirePositive("maxClients", maxClients);
            return this;
        }

        /**
         * Response slots per client: the most requests one connection has in flight at once, 1 to 65536.
         * Defaults to {@link #DEFAULT_RESPONSE_SLOTS}.
         *
         * @param responseSlots slots per client
         * @return this builder
         * @throws IllegalArgumentException if {@code responseSlots} is less than 1 (over 65536 fails in
         *     {@link #build()})
         */
        public Builder responseSlotsPerClient(int responseSlots) {
            this.responseSlots = requirePositive("responseSlotsPerClient", responseSlots);
            return this;
        }

        /**
         * How long a ring slot may stay claimed but unpublished before workers skip it (a producer died or
         * froze mid-write). Size it above your longest GC pause. Defaults to 2 s, see
         * {@link #DEFAULT_STALL_TIMEOUT}.
         *
         * @param stallTimeout the timeout, in whole milliseconds from 1 ms; {@link #build()} throws
         *     {@link IllegalArgumentException} if it is out of range and {@link NullPointerException} if null
         * @return this builder
         */
        public Builder stallTimeout(Duration stallTimeout) {
            this.stallTimeout = stallTimeout;
            return this;
        }

        /**
         * How often the server writes its heartbeat and reaps dead clients. Defaults to 100 ms, see
         * {@link #DEFAULT_HEARTBEAT_INTERVAL}.
         *
         * @param heartbeatInterval the interval, in whole milliseconds from 1 ms; {@link #build()} throws
         *     {@link IllegalArgumentException} if it is out of range and {@link NullPointerException} if null
         * @return this builder
         */
        public Builder heartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = heartbeatInterval;
            return this;
        }

        /**
         * A client whose heartbeat has not changed for this long is reaped even if its process lives. Defaults
         * to 10 s, see {@link #DEFAULT_CLIENT_TIMEOUT}.
         *
         * @param clientTimeout the timeout, positive
         * @return this builder
         * @throws IllegalArgumentException if {@code clientTimeout} is zero or negative
         * @throws NullPointerException if {@code clientTimeout} is null
         */
        public Builder clientTimeout(Duration clientTimeout) {
            if (clientTimeout.isNegative() || clientTimeout.isZero()) {
                throw new IllegalArgumentException("clientTimeout must be positive: " + clientTimeout);
            }
            this.clientTimeout = clientTimeout;
            return this;
        }

        /**
         * How idle workers wait; {@link IdleStrategy#balanced()} by default.
         *
         * @param idleStrategy the workers' idle strategy
         * @return this builder
         * @throws NullPointerException if {@code idleStrategy} is null
         */
        public Builder idleStrategy(IdleStrategy idleStrategy) {
            this.idleStrategy = java.util.Objects.requireNonNull(idleStrategy, "idleStrategy");
            return this;
        }

        /**
         * File mode of the region; owner read/write (0600) by default.
         *
         * @param permissions the region file's permissions, not empty
         * @return this builder
         * @throws IllegalArgumentException if {@code permissions} is empty
         * @throws NullPointerException if {@code permissions} is null
         */
        public Builder permissions(Set<PosixFilePermission> permissions) {
            if (permissions.isEmpty()) {
                throw new IllegalArgumentException("permissions must not be empty");
            }
            this.permissions = Set.copyOf(permissions);
            return this;
        }

        /**
         * An explicit file for the region instead of {@code /dev/shm/<name>}; clients must connect with the same
         * {@link ConnectionOptions.Builder#path path}. The store file is {@code <path>.store} beside it.
         *
         * @param path the region file
         * @return this builder
         * @throws NullPointerException if {@code path} is null
         */
        public Builder path(Path path) {
            this.path = java.util.Objects.requireNonNull(path, "path");
            return this;
        }

        /**
         * Validates the settings and creates the (not yet started) server.
         *
         * @throws IllegalArgumentException naming the first invalid setting (including a store geometry that
         *     does not fit: an index over 2 GiB, or less than one page of data)
         * @return a new server, not yet started
         */
        public KvsServer build() {
            return new KvsServer(this);
        }

        private static int requirePositive(String what, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(what + " must be >= 1: " + value);
            }
            return value;
        }
    }
}
