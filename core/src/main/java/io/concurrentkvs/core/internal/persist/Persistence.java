package io.concurrentkvs.core.internal.persist;

import io.concurrentkvs.core.FsyncPolicy;
import io.concurrentkvs.core.KvsException;
import io.concurrentkvs.core.KvsRegionInUseException;
import io.concurrentkvs.core.internal.region.RegionLock;
import io.concurrentkvs.core.internal.store.SharedStore;
import io.concurrentkvs.core.internal.store.StoreLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's persistence directory while it serves: the directory's lock, the {@link LogWriter} the store
 * journals to, and the {@link Snapshotter}. {@link #open} decides how the directory and the store in shared
 * memory are brought together (docs/PROTOCOL.md, "Opening a directory"):
 *
 * <ul>
 *   <li>a store that belongs to the directory's history (a process crash, or a clean stop) is adopted as it
 *       is: it holds every write the log holds and maybe more, so nothing is replayed, and a snapshot is
 *       taken at once so that the directory catches up with it;
 *   <li>a store that is empty (the shared memory was gone: a reboot, {@code KvsServer.destroy}) is rebuilt
 *       from the snapshot and the logs;
 *   <li>a non-empty store of another history, or never persisted, beside a directory that has one, is
 *       refused: either could be the one to keep, and guessing would lose the other;
 *   <li>an empty directory starts a new history (with the store's entries, if it has some).
 * </ul>
 *
 * <p>Thread safety: {@link #open} and {@link #close} on the server's start/stop thread; the accessors from
 * any thread.
 */
public final class Persistence implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Persistence.class);
    private static final String LOCK_NAME = "persistence";
    /** A start with less free space than this in the directory's file system fails at once. */
    static final long MIN_FREE_BYTES_AT_START = 64L << 20;

    /** Settings tests change; the defaults are the product's. Immutable. */
    public static final class Tuning {
        public static final Tuning DEFAULT =
                new Tuning(64L << 20, 16L << 20, 50, LogWriter.PreallocationFault.NONE, MIN_FREE_BYTES_AT_START);

        final long snapshotMinLogBytes;
        final long preallocateStep;
        final long snapshotCheckMillis;
        final LogWriter.PreallocationFault fault;
        final long minFreeBytes;

        /**
         * @param snapshotMinLogBytes the log grows to at least this before a snapshot rewrites it (64 MiB)
         * @param preallocateStep log space reserved ahead of the writes (16 MiB)
         * @param snapshotCheckMillis how often the snapshotter looks at the log's size (50 ms)
         * @param fault makes preallocation fail, to test a full disk
         * @param minFreeBytes a start with less free space fails (64 MiB)
         */
        public Tuning(
                long snapshotMinLogBytes,
                long preallocateStep,
                long snapshotCheckMillis,
                LogWriter.PreallocationFault fault,
                long minFreeBytes) {
            this.snapshotMinLogBytes = snapshotMinLogBytes;
            this.preallocateStep = preallocateStep;
            this.snapshotCheckMillis = snapshotCheckMillis;
            this.fault = fault;
            this.minFreeBytes = minFreeBytes;
        }
    }

    private final Path directory;
    private final FsyncPolicy policy;
    private final RegionLock lock;
    private final LogWriter log;
    private final Snapshotter snapshotter;
    private final long historyId;
    private final long earlierLogBytes;
    /** Where the log's fatal failure goes: {@link #onFailure}'s listener once set. */
    private final AtomicReference<Consumer<Throwable>> failureListener;

    private boolean closed;

    private Persistence(
            Path directory,
            FsyncPolicy policy,
            RegionLock lock,
            LogWriter log,
            Snapshotter snapshotter,
            long historyId,
            long earlierLogBytes,
            AtomicReference<Consumer<Throwable>> failureListener) {
        this.failureListener = failureListener;
        this.directory = directory;
        this.policy = policy;
        this.lock = lock;
        this.log = log;
        this.snapshotter = snapshotter;
        this.historyId = historyId;
        this.earlierLogBytes = earlierLogBytes;
    }

    /**
     * Takes the directory, brings it and {@code store} together (recovering the store from it if the store is
     * empty), starts the log and the snapshotter, and makes the store journal to the log.
     *
     * @param fresh discard the directory's history and start a new one (with {@code fresh}, the store was
     *     created blank)
     * @throws KvsException naming the directory if it is missing, not a directory, not writable, not ours,
     *     locked by another server, on a nearly full disk, damaged beyond recovery, or at odds with the store
     */
    public static Persistence open(
            Path directory,
            FsyncPolicy policy,
            boolean fresh,
            SharedStore store,
            int maxKeyBytes,
            int maxValueBytes,
            String serverName,
            Tuning tuning) {
        Path dir = directory.toAbsolutePath().normalize();
        requireUsableDirectory(dir, tuning);
        RegionLock lock;
        try {
            lock = RegionLock.acquire(dir.resolve(LOCK_NAME));
        } catch (KvsRegionInUseException e) {
            throw new KvsException(
                    "persistence directory " + dir + " is in use by another server (pid " + e.pid()
                            + "): two servers never write one directory",
                    e);
        }
        try {
            return openLocked(dir, policy, fresh, store, maxKeyBytes, maxValueBytes, serverName, tuning, lock);
        } catch (IOException e) {
            lock.close();
            throw new KvsException("cannot open persistence directory " + dir + ": " + e, e);
        } catch (RuntimeException | Error e) {
            lock.close();
            throw e;
        }
    }

    private static Persistence openLocked(
            Path dir,
            FsyncPolicy policy,
            boolean fresh,
            SharedStore store,
            int maxKeyBytes,
            int maxValueBytes,
            String serverName,
            Tuning tuning,
            RegionLock lock)
            throws IOException {
        removeTemporaries(dir);
        if (fresh) {
            discardHistory(dir);
        }
        Optional<Manifest> found = Manifest.read(dir);
        long historyId;
        long firstSeq;
        long earlierLogBytes = 0;
        long lastSnapshotBytes = 0;
        boolean snapshotNow;
        long storeHistory = store.persistedHistory();
        if (found.isEmpty()) {
            requireNoForeignFiles(dir);
            historyId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
            firstSeq = 1;
            snapshotNow = store.size() > 0;
            if (snapshotNow) {
                LOG.info(
                        "persistence directory {} is new: its history starts with the {} entries of the store",
                        dir,
                        store.size());
            }
        } else {
            Manifest manifest = found.get();
            historyId = manifest.historyId();
            Recovery recovery = Recovery.of(dir, manifest);
            firstSeq = recovery.nextSeq();
            lastSnapshotBytes = recovery.snapshotBytes();
            if (storeHistory == historyId) {
                earlierLogBytes = recovery.historyBytes();
                snapshotNow = true;
                LOG.info(
                        "store of '{}' belongs to persistence directory {}: adopted as it is ({} entries)",
                        serverName,
                        dir,
                        store.size());
            } else if (store.size() == 0) {
                long started = System.nanoTime();
                store.persistedHistory(StoreLayout.HISTORY_RECOVERING);
                recovery.replayInto(store, maxKeyBytes, maxValueBytes);
                snapshotNow = true;
                LOG.info(
                        "recovered '{}' from persistence directory {}: {} snapshot entries, {} log records, {} bytes of"
                                + " torn or damaged log dropped; {} entries, in {} ms",
                        serverName,
                        dir,
                        recovery.snapshotEntries(),
                        recovery.replayedRecords(),
                        recovery.droppedBytes(),
                        store.size(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            } else {
                throw new KvsException("the shared-memory store of '" + serverName + "' holds " + store.size()
                        + " entries that were not written through persistence directory " + dir + " (it has its own"
                        + " history): refusing to choose. To recover from the directory, remove the shared memory"
                        + " (KvsServer.destroy or kvs destroy); to keep the store, give an empty directory");
            }
        }
        AtomicReference<Consumer<Throwable>> failureListener = new AtomicReference<>(cause -> {});
        LogWriter log = new LogWriter(
                dir,
                historyId,
                firstSeq,
                policy,
                StoreLayout.recordLength(maxKeyBytes, maxValueBytes) + 32,
                tuning.preallocateStep,
                tuning.fault,
                cause -> failureListener.get().accept(cause),
                "kvs-" + serverName + "-log");
        try {
            if (found.isEmpty()) {
                new Manifest(historyId, 0, firstSeq, System.currentTimeMillis()).write(dir);
            }
            store.persistedHistory(historyId);
            Snapshotter snapshotter = new Snapshotter(
                    dir,
                    historyId,
                    store,
                    log,
                    tuning.snapshotMinLogBytes,
                    tuning.snapshotCheckMillis,
                    0,
                    lastSnapshotBytes,
                    "kvs-" + serverName + "-snapshot");
            Persistence persistence =
                    new Persistence(dir, policy, lock, log, snapshotter, historyId, earlierLogBytes, failureListener);
            store.journalTo(log);
            snapshotter.start();
            if (snapshotNow) {
                snapshotter.requestSoon();
            }
            LOG.info("persisting '{}' to {} (fsync {}), log {}", serverName, dir, policy, firstSeq);
            return persistence;
        } catch (IOException | RuntimeException | Error e) {
            store.journalTo(null);
            log.close();
            throw e;
        }
    }

    private static void requireUsableDirectory(Path dir, Tuning tuning) {
        if (!Files.exists(dir)) {
            throw new KvsException("persistence directory " + dir + " does not exist: create it first");
        }
        if (!Files.isDirectory(dir)) {
            throw new KvsException("persistence directory " + dir + " is not a directory");
        }
        if (!Files.isWritable(dir) || !Files.isReadable(dir) || !Files.isExecutable(dir)) {
            throw new KvsException("persistence directory " + dir + " is not readable and writable by this process");
        }
        try {
            long usable = Files.getFileStore(dir).getUsableSpace();
            if (usable < tuning.minFreeBytes) {
                throw new KvsException("persistence directory " + dir + " is on a full disk: " + usable
                        + " bytes free, fewer than the " + tuning.minFreeBytes + " a start needs");
            }
        } catch (IOException e) {
            throw new KvsException("cannot read the free space of persistence directory " + dir + ": " + e, e);
        }
    }

    /** A directory without a manifest must hold nothing but our own files: it could be a user's. */
    private static void requireNoForeignFiles(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                boolean lockFile = name.equals(LOCK_NAME + ".lock");
                if (lockFile) {
                    continue;
                }
                if (PersistFiles.logSeqOf(file).isPresent()
                        || PersistFiles.snapshotSeqOf(file).isPresent()) {
                    throw new KvsException("persistence directory " + dir + " holds " + name + " but no MANIFEST: it"
                            + " is damaged or incomplete; move it aside (or restore its MANIFEST) to start");
                }
                throw new KvsException("persistence directory " + dir + " is not empty and is not a Concurrent-KVS"
                        + " persistence directory (it holds " + name + "): give an empty directory");
            }
        }
    }

    private static void removeTemporaries(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (name.endsWith(".tmp")
                        && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                        && (name.startsWith("snapshot-") || name.startsWith("MANIFEST"))) {
                    Files.delete(file);
                }
            }
        }
    }

    /** {@code fresh}: deletes the manifest, snapshots and logs, so that a new history starts. */
    private static void discardHistory(Path dir) throws IOException {
        Files.deleteIfExists(PersistFiles.manifestPath(dir));
        try (var files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (PersistFiles.logSeqOf(file).isPresent()
                        || PersistFiles.snapshotSeqOf(file).isPresent()) {
                    Files.delete(file);
                }
            }
        }
        PersistFiles.forceDirectory(dir);
    }

    /**
     * Told of a fatal log failure, on the flusher's thread; set before the server serves. A failure that came
     * before is told at once, on this thread.
     */
    public void onFailure(Consumer<Throwable> listener) {
        failureListener.set(listener);
        Throwable already = log.failure();
        if (already != null) {
            listener.accept(already);
        }
    }

    public LogWriter log() {
        return log;
    }

    public FsyncPolicy policy() {
        return policy;
    }

    public Path directory() {
        return directory;
    }

    public long historyId() {
        return historyId;
    }

    /** Bytes of log in the directory's history: the files since the last snapshot. */
    public long logBytes() {
        return (snapshotter.snapshots() == 0 ? earlierLogBytes : 0) + log.historyBytes();
    }

    public long lastFsyncMillis() {
        return log.lastForceMillis();
    }

    public long lastSnapshotMillis() {
        return snapshotter.lastSnapshotMillis();
    }

    public long snapshotBytes() {
        return snapshotter.lastSnapshotBytes();
    }

    /** Snapshots written by this server. */
    public long snapshots() {
        return snapshotter.snapshots();
    }

    /** Asks for a snapshot now, whatever the log's size. */
    public void snapshotSoon() {
        snapshotter.requestSoon();
    }

    /**
     * Stops the snapshotter, writes and forces the rest of the log and lets go of the directory. Called once
     * no worker writes any more. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            snapshotter.close();
            log.close();
        } finally {
            lock.close();
        }
    }
}
