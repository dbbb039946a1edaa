package io.concurrentkvs.core.internal.persist;

import io.concurrentkvs.core.FsyncPolicy;
import io.concurrentkvs.core.internal.Threads;
import io.concurrentkvs.core.internal.store.Journal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only log of a persistent server: the store's {@link Journal}, and the thread that writes and
 * forces it.
 *
 * <p>Writers (server workers, inside a segment's lock) encode their record into the active in-memory chunk
 * and return; they wait only when every chunk is full (the disk is slower than the writes: backpressure).
 * One flusher thread takes the chunks (a full one at once; a partly filled one at once under {@code ALWAYS},
 * otherwise within 10 ms, so that a stream of writes becomes a few large system calls), writes them to the
 * current file and forces it as the {@link FsyncPolicy} says: {@code ALWAYS} after every pass, so that all the records that arrived while the last
 * force ran share the next one (group commit); {@code EVERY_SECOND} once a second; {@code NEVER} not at all.
 * Under {@code ALWAYS}, {@link #durablePosition()} tells workers which records are on disk, so they
 * acknowledge a write only then.
 *
 * <p>Files are preallocated with zeros ahead of the writes, so a disk that fills is noticed while records
 * still fit in space already taken: writes are then refused ({@link #admits()} turns false) until space
 * returns, instead of being acknowledged and lost. An I/O error while writing or forcing the log is fatal:
 * the writer stops taking records (they are counted in {@link #bytesDropped()}), never reports them durable,
 * and tells the failure listener, which stops the server (after a failed fsync the kernel may have dropped
 * the dirty pages, so retrying would report data durable that is not).
 *
 * <p>{@link #rotate()} starts a new file: every record appended after it returns goes there. Snapshots use it.
 *
 * <p>Thread safety: {@link #set}, {@link #del}, {@link #admits()} and the position reads from any thread;
 * {@link #rotate()} from one thread at a time; {@link #close()} once, after the writers stopped.
 */
public final class LogWriter implements Journal, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogWriter.class);
    private static final long IDLE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long FORCE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Under EVERY_SECOND and NEVER, records reach the file at most this long after they were appended. */
    private static final long WRITE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private static final int CHUNKS = 4;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 20);

    /** A file of the log being written. Offsets are file offsets. */
    private static final class LogFile {
        final long seq;
        final Path path;
        final FileChannel channel;
        /** Where the next appended record goes; under the lock. */
        long appendOffset = PersistLayout.HEADER_LENGTH;
        /** Written through here; flusher only. */
        long writtenOffset = PersistLayout.HEADER_LENGTH;
        /** Zeros written through here; flusher only. */
        long preallocatedEnd = PersistLayout.HEADER_LENGTH;

        LogFile(long seq, Path path, FileChannel channel) {
            this.seq = seq;
            this.path = path;
            this.channel = channel;
        }
    }

    /** Encoded records for one file; a chunk of length 0 only moves the flusher on to its file. */
    private static final class Chunk {
        final byte[] bytes;
        int used;
        LogFile file;
        /** The log position after its last record. */
        long endPosition;

        Chunk(int capacity) {
            this.bytes = new byte[capacity];
        }
    }

    private final Path directory;
    private final long historyId;
    private final FsyncPolicy policy;
    private final long preallocateStep;
    private final PreallocationFault fault;
    private final Consumer<Throwable> failureListener;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when the flusher has work: the first record into an empty chunk, a full chunk, close. */
    private final Condition work = lock.newCondition();
    /** Signalled when chunks come back free. */
    private final Condition space = lock.newCondition();
    /** Signalled when the durable position moves, or the log fails. */
    private final Condition durable = lock.newCondition();

    private final ArrayDeque<Chunk> free = new ArrayDeque<>();
    private final ArrayDeque<Chunk> full = new ArrayDeque<>();
    private final CRC32C crc = new CRC32C();
    private final Thread flusher;

    // Under the lock.
    private Chunk active;
    private LogFile current;
    private boolean flusherWaiting;
    private boolean closing;
    private long bytesDropped;

    // Written by the flusher (or under the lock), read anywhere.
    private volatile long appended;
    private volatile long durablePosition;
    private volatile long lastForceMillis;
    private volatile long forces;
    private volatile boolean refusing;
    private volatile Throwable failure;
    /** Bytes of the files before the current one, since the last {@link #resetHistoryBytes}. */
    private volatile long earlierFilesBytes;

    /** Makes preallocation fail, to test a full disk; {@link #NONE} in service. */
    @FunctionalInterface
    public interface PreallocationFault {
        PreallocationFault NONE = () -> false;

        boolean diskFull();
    }

    /**
     * Creates log file {@code firstSeq} in {@code directory} (which must not exist yet), preallocates it and
     * starts the flusher.
     *
     * @param maxRecordLength the longest record a writer will append (chunks hold at least two)
     * @throws IOException if the file cannot be created or its first preallocation fails (a full disk)
     */
    public LogWriter(
            Path directory,
            long historyId,
            long firstSeq,
            FsyncPolicy policy,
            int maxRecordLength,
            long preallocateStep,
            PreallocationFault fault,
            Consumer<Throwable> failureListener,
            String threadName)
            throws IOException {
        this.directory = directory;
        this.historyId = historyId;
        this.policy = policy;
        this.preallocateStep = preallocateStep;
        this.fault = fault;
        this.failureListener = failureListener;
        int chunkBytes = Math.max(1 << 20, 2 * maxRecordLength);
        for (int i = 0; i < CHUNKS; i++) {
            free.add(new Chunk(chunkBytes));
        }
        this.current = createFile(firstSeq);
        try {
            preallocate(current, PersistLayout.HEADER_LENGTH);
        } catch (IOException e) {
            closeQuietly(current);
            throw e;
        }
        this.flusher = new Thread(this::flushLoop, threadName);
        flusher.setDaemon(true);
        flusher.start();
    }

    // Journal: called by workers inside a segment's lock.

    @Override
    public void set(byte[] key, int keyLength, byte[] value, int valueOffset, int valueLength) {
        append(LogRecords.setLength(keyLength, valueLength), key, keyLength, value, valueOffset, valueLength);
    }

    @Override
    public void del(byte[] key, int keyLength) {
        append(LogRecords.delLength(keyLength), key, keyLength, null, 0, 0);
    }

    /** Appends a SET of {@code value}, or a DEL if it is null, of {@code length} encoded bytes. */
    private void append(int length, byte[] key, int keyLength, byte[] value, int valueOffset, int valueLength) {
        lock.lock();
        try {
            Chunk chunk = chunkWithRoom(length);
            if (chunk == null) {
                bytesDropped += length;
                return;
            }
            if (value != null) {
                LogRecords.writeSet(
                        chunk.bytes,
                        chunk.used,
                        current.seq,
                        current.appendOffset,
                        key,
                        keyLength,
                        value,
                        valueOffset,
                        valueLength,
                        crc);
            } else {
                LogRecords.writeDel(chunk.bytes, chunk.used, current.seq, current.appendOffset, key, keyLength, crc);
            }
            appendedInto(chunk, length);
        } finally {
            lock.unlock();
        }
    }

    /** The active chunk once it has room for {@code length} bytes; null if the log failed. Under the lock. */
    private Chunk chunkWithRoom(int length) {
        while (failure == null) {
            if (active != null && active.used + length <= active.bytes.length) {
                return active;
            }
            if (active != null) {
                full.add(active);
                active = null;
                work.signal();
            }
            if (!free.isEmpty()) {
                active = free.poll();
                active.used = 0;
                active.file = current;
                if (length > active.bytes.length) {
                    throw new IllegalArgumentException("a log record of " + length + " bytes exceeds a chunk");
                }
                continue;
            }
            space.awaitUninterruptibly();
        }
        return null;
    }

    private void appendedInto(Chunk chunk, int length) {
        boolean wasEmpty = chunk.used == 0;
        chunk.used += length;
        current.appendOffset += length;
        appended += length;
        chunk.endPosition = appended;
        // Only a writer under ALWAYS waits for the flusher; other policies' records go at the next pass.
        if (wasEmpty && flusherWaiting && policy == FsyncPolicy.ALWAYS) {
            work.signal();
        }
    }

    // State for workers and stats.

    /** Whether writes may be applied: false while the disk is full, or once the log failed. */
    public boolean admits() {
        return !refusing && failure == null;
    }

    /** Why {@link #admits()} is false, for the refused write's answer. */
    public String refusal() {
        Throwable failed = failure;
        if (failed != null) {
            return "the persistence log in " + directory + " failed (" + failed + "); the write was not applied";
        }
        return "the disk of the persistence directory " + directory + " is full; the write was not applied";
    }

    /** The log position after the last record appended (bytes appended since the writer started). */
    public long appendedPosition() {
        return appended;
    }

    /** Records up to this position are written and forced. Meaningful under {@code ALWAYS} and after {@link #close}. */
    public long durablePosition() {
        return durablePosition;
    }

    /**
     * Waits until the records through {@code position} are on disk; false if the log failed or closed first
     * (they may never be).
     */
    public boolean awaitDurable(long position) {
        return awaitDurable(position, Long.MAX_VALUE) == Durability.DURABLE;
    }

    /** What {@link #awaitDurable(long, long)} saw. */
    public enum Durability {
        DURABLE,
        /** Not yet: the wait timed out. */
        PENDING,
        /** The log failed or closed first: the records may never be durable. */
        FAILED
    }

    /** Waits at most {@code timeoutNanos} for the records through {@code position} to be on disk. */
    public Durability awaitDurable(long position, long timeoutNanos) {
        if (durablePosition >= position) {
            return Durability.DURABLE;
        }
        long deadline = timeoutNanos == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + timeoutNanos;
        lock.lock();
        try {
            while (durablePosition < position) {
                if (failure != null || (closing && !flusher.isAlive())) {
                    return Durability.FAILED;
                }
                long left = deadline == Long.MAX_VALUE ? IDLE_WAIT_NANOS : deadline - System.nanoTime();
                if (left <= 0) {
                    return Durability.PENDING;
                }
                durable.awaitNanos(Math.min(left, IDLE_WAIT_NANOS));
            }
            return Durability.DURABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Durability.FAILED;
        } finally {
            lock.unlock();
        }
    }

    public long lastForceMillis() {
        return lastForceMillis;
    }

    /** Forces of the log so far. */
    public long forces() {
        return forces;
    }

    /** Bytes of records dropped because the log had failed. */
    public long bytesDropped() {
        lock.lock();
        try {
            return bytesDropped;
        } finally {
            lock.unlock();
        }
    }

    /** The first fatal error, or null. */
    public Throwable failure() {
        return failure;
    }

    /** Bytes of log (headers and records) in the files written since the last snapshot, the current one included. */
    public long historyBytes() {
        lock.lock();
        try {
            return earlierFilesBytes + current.appendOffset;
        } finally {
            lock.unlock();
        }
    }

    /** The sequence number of the file records go to now. */
    public long currentSeq() {
        lock.lock();
        try {
            return current.seq;
        } finally {
            lock.unlock();
        }
    }

    // Rotation.

    /**
     * Creates the next log file and makes every record appended from now on go there; returns its sequence
     * number. The new file's header is on disk (forced, and its directory entry too) before this returns.
     *
     * @param dropHistoryBytes whether {@link #historyBytes()} restarts from the new file (a snapshot is
     *     about to make the older files redundant)
     */
    public long rotate(boolean dropHistoryBytes) throws IOException {
        long nextSeq = currentSeq() + 1;
        LogFile next = createFile(nextSeq);
        try {
            preallocate(next, PersistLayout.HEADER_LENGTH);
        } catch (IOException e) {
            closeQuietly(next);
            java.nio.file.Files.deleteIfExists(next.path);
            throw e;
        }
        lock.lock();
        try {
            if (active != null && active.used > 0) {
                full.add(active);
                active = null;
            }
            Chunk switchTo = new Chunk(0);
            switchTo.file = next;
            switchTo.endPosition = appended;
            full.add(switchTo);
            earlierFilesBytes = dropHistoryBytes ? 0 : earlierFilesBytes + current.appendOffset;
            current = next;
            work.signal();
        } finally {
            lock.unlock();
        }
        return nextSeq;
    }

    private LogFile createFile(long seq) throws IOException {
        Path path = PersistFiles.logPath(directory, seq);
        FileChannel channel = PersistFiles.createNew(path);
        try {
            byte[] header = new byte[PersistLayout.HEADER_LENGTH];
            LogRecords.writeHeader(header, historyId, seq, System.currentTimeMillis());
            ByteBuffer buffer = ByteBuffer.wrap(header);
            while (buffer.hasRemaining()) {
                channel.write(buffer, buffer.position());
            }
            channel.force(true);
            PersistFiles.forceDirectory(directory);
        } catch (IOException | RuntimeException e) {
            channel.close();
            java.nio.file.Files.deleteIfExists(path);
            throw e;
        }
        return new LogFile(seq, path, channel);
    }

    // The flusher.

    private void flushLoop() {
        List<Chunk> taken = new ArrayList<>();
        LogFile writing = current; // set before this thread started
        boolean unforced = false;
        long writtenThrough = 0;
        long lastPassNanos = System.nanoTime();
        try {
            while (true) {
                boolean closeNow;
                lock.lock();
                try {
                    while (!closing && full.isEmpty() && !partialChunkDue(lastPassNanos) && !(unforced && forceDue())) {
                        flusherWaiting = true;
                        try {
                            work.awaitNanos(waitNanos(unforced, lastPassNanos));
                        } catch (InterruptedException e) {
                            // Only close() ends this thread.
                        } finally {
                            flusherWaiting = false;
                        }
                        if (refusing) {
                            break; // retry the preallocation every wait
                        }
                    }
                    if (active != null && active.used > 0) {
                        full.add(active);
                        active = null;
                    }
                    taken.addAll(full);
                    full.clear();
                    closeNow = closing;
                } finally {
                    lock.unlock();
                }
                lastPassNanos = System.nanoTime();
                for (Chunk chunk : taken) {
                    if (chunk.file != writing) {
                        finish(writing);
                        writing = chunk.file;
                    }
                    if (chunk.used > 0) {
                        write(writing, chunk);
                        unforced = true;
                    }
                    writtenThrough = Math.max(writtenThrough, chunk.endPosition);
                }
                if (refusing) {
                    retryPreallocation(writing);
                }
                boolean force = unforced
                        && (policy == FsyncPolicy.ALWAYS
                                || closeNow
                                || (policy == FsyncPolicy.EVERY_SECOND && forceDue()));
                if (force) {
                    writing.channel.force(false);
                    forces++;
                    lastForceMillis = System.currentTimeMillis();
                    unforced = false;
                }
                lock.lock();
                try {
                    for (Chunk chunk : taken) {
                        if (chunk.bytes.length > 0) {
                            chunk.used = 0;
                            free.add(chunk);
                        }
                    }
                    taken.clear();
                    space.signalAll();
                    if (force) {
                        durablePosition = writtenThrough;
                        durable.signalAll();
                    }
                    if (closeNow && full.isEmpty() && (active == null || active.used == 0)) {
                        break;
                    }
                } finally {
                    lock.unlock();
                }
            }
            finish(writing);
            durablePosition = writtenThrough;
        } catch (IOException | RuntimeException | Error e) {
            fail(e);
            closeQuietly(writing);
        }
    }

    /**
     * Whether the flusher should take the partly filled active chunk now. Under {@code ALWAYS} at once (a
     * writer waits for it); otherwise once {@link #WRITE_INTERVAL_NANOS} has passed since the last pass, so
     * that a steady stream of writes becomes a few large writes instead of a system call and a wake-up per
     * record. Under the lock.
     */
    private boolean partialChunkDue(long lastPassNanos) {
        if (active == null || active.used == 0) {
            return false;
        }
        return policy == FsyncPolicy.ALWAYS || System.nanoTime() - lastPassNanos >= WRITE_INTERVAL_NANOS;
    }

    /** How long the flusher may sleep: until a partial chunk, or a force, falls due. Under the lock. */
    private long waitNanos(boolean unforced, long lastPassNanos) {
        long wait = IDLE_WAIT_NANOS;
        if (active != null && active.used > 0 && policy != FsyncPolicy.ALWAYS) {
            wait = Math.min(wait, WRITE_INTERVAL_NANOS - (System.nanoTime() - lastPassNanos));
        }
        if (unforced && policy == FsyncPolicy.EVERY_SECOND) {
            wait = Math.min(wait, FORCE_INTERVAL_NANOS - nanosSinceForce());
        }
        return Math.max(1_000, wait);
    }

    private boolean forceDue() {
        return policy == FsyncPolicy.EVERY_SECOND && nanosSinceForce() >= FORCE_INTERVAL_NANOS;
    }

    private long nanosSinceForce() {
        return TimeUnit.MILLISECONDS.toNanos(Math.max(0, System.currentTimeMillis() - lastForceMillis));
    }

    private void write(LogFile file, Chunk chunk) throws IOException {
        long end = file.writtenOffset + chunk.used;
        if (end + preallocateStep / 2 > file.preallocatedEnd) {
            try {
                preallocate(file, end);
            } catch (IOException e) {
                if (!refusing) {
                    LOG.error(
                            "persistence directory {}: cannot reserve more log space ({}); refusing writes until"
                                    + " there is room",
                            directory,
                            e.toString());
                }
                refusing = true;
            }
        }
        ByteBuffer buffer = ByteBuffer.wrap(chunk.bytes, 0, chunk.used);
        long at = file.writtenOffset;
        while (buffer.hasRemaining()) {
            at += file.channel.write(buffer, at);
        }
        file.writtenOffset = at;
    }

    private void retryPreallocation(LogFile file) {
        try {
            preallocate(file, file.writtenOffset);
            refusing = false;
            LOG.info("persistence directory {}: log space available again; writes are taken", directory);
        } catch (IOException stillFull) {
            // Next pass.
        }
    }

    /** Writes zeros so that the file holds at least {@code through + preallocateStep} bytes. */
    private void preallocate(LogFile file, long through) throws IOException {
        long target = through + preallocateStep;
        if (fault.diskFull()) {
            throw new IOException("No space left on device (simulated)");
        }
        while (file.preallocatedEnd < target) {
            ByteBuffer zeros = ZEROS.duplicate();
            zeros.limit((int) Math.min(zeros.capacity(), target - file.preallocatedEnd));
            file.preallocatedEnd += file.channel.write(zeros, file.preallocatedEnd);
        }
    }

    /** Makes a file the flusher is done with complete: trims the preallocated zeros, forces it, closes it. */
    private void finish(LogFile file) throws IOException {
        if (file == null || !file.channel.isOpen()) {
            return;
        }
        file.channel.truncate(file.writtenOffset);
        file.channel.force(true);
        forces++;
        lastForceMillis = System.currentTimeMillis();
        file.channel.close();
    }

    private void fail(Throwable cause) {
        lock.lock();
        try {
            if (failure != null) {
                return;
            }
            failure = cause;
            full.clear();
            active = null;
            space.signalAll();
            durable.signalAll();
        } finally {
            lock.unlock();
        }
        LOG.error("persistence log in {} failed; writes are no longer logged", directory, cause);
        failureListener.accept(cause);
    }

    private static void closeQuietly(LogFile file) {
        if (file != null) {
            try {
                file.channel.close();
            } catch (IOException ignored) {
                // Already failing.
            }
        }
    }

    /**
     * Writes and forces what is buffered, trims and closes the file, and ends the flusher. Under every policy
     * a clean stop leaves the whole log on disk.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            closing = true;
            work.signal();
        } finally {
            lock.unlock();
        }
        Threads.joinUninterruptibly(flusher);
    }
}
