package io.concurrentkvs.core.internal.persist;

import io.concurrentkvs.core.internal.Threads;
import io.concurrentkvs.core.internal.store.EntrySink;
import io.concurrentkvs.core.internal.store.SharedStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a persistence directory bounded: once the log written since the last snapshot outgrows a threshold
 * (at least {@code minLogBytes}, and at least the last snapshot's size, so rewriting costs no more than the
 * log it retires), or when asked, writes a new snapshot of the live store and retires the older files.
 *
 * <p>A snapshot is taken while the server serves: the log is rotated to a new file {@code N} first, then the
 * store is copied segment by segment, a few hundred slots at a time under the segment's lock, into {@code
 * snapshot-N} (a temporary name until complete and forced). The copy holds every entry as it was at some
 * instant after the rotation, and log {@code N} every write after it, in order, and the entries a
 * concurrent delete moved behind the copy ({@link io.concurrentkvs.core.internal.store.Journal}): so {@code
 * snapshot-N} plus logs {@code N, N+1, ...} rebuild the store. Only once the snapshot is durable does the
 * manifest switch to it (an atomic rename), and only then are the older snapshot and logs deleted: at every
 * instant the manifest names files that exist and hold the whole history.
 *
 * <p>Thread safety: runs on its own thread; {@link #requestSoon()} and {@link #close()} from any thread.
 */
final class Snapshotter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Snapshotter.class);
    private static final int SLOTS_PER_CHUNK = 256;
    private static final long RETRY_AFTER_FAILURE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Path directory;
    private final long historyId;
    private final SharedStore store;
    private final LogWriter log;
    private final long minLogBytes;
    private final long checkIntervalNanos;
    private final Thread thread;
    private final StagedEntries staged = new StagedEntries();
    private volatile boolean requested;
    private volatile boolean stopping;
    private volatile long lastSnapshotMillis;
    private volatile long lastSnapshotBytes;
    private volatile long snapshots;
    private volatile long failures;

    Snapshotter(
            Path directory,
            long historyId,
            SharedStore store,
            LogWriter log,
            long minLogBytes,
            long checkIntervalMillis,
            long lastSnapshotMillis,
            long lastSnapshotBytes,
            String threadName) {
        this.directory = directory;
        this.historyId = historyId;
        this.store = store;
        this.log = log;
        this.minLogBytes = minLogBytes;
        this.checkIntervalNanos = TimeUnit.MILLISECONDS.toNanos(checkIntervalMillis);
        this.lastSnapshotMillis = lastSnapshotMillis;
        this.lastSnapshotBytes = lastSnapshotBytes;
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Asks for a snapshot at the next check, whatever the log's size. */
    void requestSoon() {
        requested = true;
        LockSupport.unpark(thread);
    }

    long lastSnapshotMillis() {
        return lastSnapshotMillis;
    }

    long lastSnapshotBytes() {
        return lastSnapshotBytes;
    }

    long snapshots() {
        return snapshots;
    }

    long failures() {
        return failures;
    }

    private void run() {
        while (!stopping) {
            LockSupport.parkNanos(checkIntervalNanos);
            if (stopping || log.failure() != null) {
                continue;
            }
            if (!requested && log.historyBytes() < Math.max(minLogBytes, lastSnapshotBytes)) {
                continue;
            }
            requested = false;
            try {
                snapshot();
            } catch (IOException | RuntimeException e) {
                failures++;
                requested = true;
                if (!stopping) {
                    LOG.warn("snapshot of {} failed; retrying: {}", directory, e.toString());
                    LockSupport.parkNanos(RETRY_AFTER_FAILURE_NANOS);
                }
            }
        }
    }

    /** Takes one snapshot and retires the files it makes redundant. Only on this object's thread. */
    private void snapshot() throws IOException {
        long started = System.nanoTime();
        long seq = log.rotate(true);
        Path written;
        try (SnapshotWriter writer = SnapshotWriter.create(directory, historyId, seq, System.currentTimeMillis())) {
            for (int s = 0; s < store.segmentCount(); s++) {
                copySegment(s, writer);
            }
            written = writer.commit();
        }
        long now = System.currentTimeMillis();
        new Manifest(historyId, seq, seq, now).write(directory);
        long bytes = Files.size(written);
        retireBefore(seq);
        lastSnapshotBytes = bytes;
        lastSnapshotMillis = now;
        snapshots++;
        LOG.info(
                "snapshot {} of {}: {} bytes in {} ms",
                seq,
                directory,
                bytes,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    private void copySegment(int s, SnapshotWriter writer) throws IOException {
        store.copyStart(s);
        boolean done = false;
        try {
            boolean more = true;
            while (more) {
                if (stopping) {
                    throw new IOException("the server is stopping");
                }
                more = store.copyChunk(s, SLOTS_PER_CHUNK, staged);
                staged.drainTo(writer);
            }
            done = true;
        } finally {
            if (!done) {
                store.copyAbort(s);
                staged.clear();
            }
        }
    }

    /** Deletes the snapshots and logs older than {@code seq}: the manifest no longer names them. */
    private void retireBefore(long seq) throws IOException {
        try (var files = Files.list(directory)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                long logSeq = PersistFiles.logSeqOf(file).orElse(Long.MAX_VALUE);
                long snapshotSeq = PersistFiles.snapshotSeqOf(file).orElse(Long.MAX_VALUE);
                if (logSeq < seq || snapshotSeq < seq) {
                    Files.deleteIfExists(file);
                }
            }
        }
        PersistFiles.forceDirectory(directory);
    }

    /** Stops the thread, abandoning a snapshot in progress (its temporary file is deleted). */
    @Override
    public void close() {
        stopping = true;
        LockSupport.unpark(thread);
        Threads.joinUninterruptibly(thread);
    }

    /**
     * Entries copied out under a segment's lock, to be written to the snapshot after it is released: the
     * lock is never held across file I/O.
     */
    private static final class StagedEntries implements EntrySink {
        private byte[] bytes = new byte[1 << 16];
        private int used;
        private byte[] key = new byte[256];
        private byte[] value = new byte[4096];

        @Override
        public void entry(byte[] k, int keyLength, byte[] v, int valueLength) {
            int needed = 8 + keyLength + valueLength;
            if (used + needed > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, used + needed));
            }
            putInt(used, keyLength);
            putInt(used + 4, valueLength);
            System.arraycopy(k, 0, bytes, used + 8, keyLength);
            System.arraycopy(v, 0, bytes, used + 8 + keyLength, valueLength);
            used += needed;
        }

        void drainTo(SnapshotWriter writer) throws IOException {
            int at = 0;
            while (at < used) {
                int keyLength = getInt(at);
                int valueLength = getInt(at + 4);
                if (key.length < keyLength) {
                    key = new byte[keyLength];
                }
                if (value.length < valueLength) {
                    value = new byte[valueLength];
                }
                System.arraycopy(bytes, at + 8, key, 0, keyLength);
                System.arraycopy(bytes, at + 8 + keyLength, value, 0, valueLength);
                writer.add(key, keyLength, value, 0, valueLength);
                at += 8 + keyLength + valueLength;
            }
            used = 0;
        }

        void clear() {
            used = 0;
        }

        private void putInt(int at, int v) {
            bytes[at] = (byte) v;
            bytes[at + 1] = (byte) (v >>> 8);
            bytes[at + 2] = (byte) (v >>> 16);
            bytes[at + 3] = (byte) (v >>> 24);
        }

        private int getInt(int at) {
            return (bytes[at] & 0xFF)
                    | (bytes[at + 1] & 0xFF) << 8
                    | (bytes[at + 2] & 0xFF) << 16
                    | (bytes[at + 3] & 0xFF) << 24;
        }
    }
}
