package io.concurrentkvs.core.internal.region;

import static io.concurrentkvs.core.internal.region.LockFileDescriptor.*;

import io.concurrentkvs.core.KvsException;
import io.concurrentkvs.core.KvsIncompatibleRegionException;
import io.concurrentkvs.core.KvsRegionInUseException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The exclusive lock a server holds on {@code <region path>.lock} from {@code start()} to {@code stop()}: only
 * its holder creates, replaces or unlinks the region and the store file of a name. The kernel drops the lock
 * when the process dies, however it dies, so a dead server never keeps the next one out; a live one always
 * does, which a check of the region's header then an unlink cannot guarantee.
 *
 * <p>The lock is a POSIX record lock ({@code fcntl}, what {@link FileChannel#tryLock()} takes on Linux), and
 * such a lock belongs to the process, not to the descriptor: closing <em>any</em> descriptor of the file in
 * this process drops it. So this class never closes a descriptor of a file a holder in this JVM may have
 * locked:
 *
 * <ul>
 *   <li>A registry of the lock paths held (or being taken) in this JVM, keyed by the absolute path with its
 *       directory resolved, refuses a second holder with {@link KvsRegionInUseException} before it opens
 *       anything.
 *   <li>The check that the path still names the file we locked (its previous holder deletes it, and a
 *       process that opened it before may lock the orphan afterwards) reads the record we wrote through the
 *       locked descriptor back through a second descriptor opened by path, and keeps that descriptor open
 *       until {@link #close()}.
 *   <li>A descriptor found to be of a file another holder in this JVM locked (a hard link, a replaced path)
 *       is handed to that holder, which closes it when it lets go; one the JDK reports as locked in this JVM
 *       by code outside this class ({@link OverlappingFileLockException}) is never closed.
 * </ul>
 *
 * <p>The file is opened without following symbolic links, created with mode 0600, must be a regular file and
 * holds one {@link LockFileDescriptor} record. A file that is not empty and not such a record is not ours: it
 * is refused with {@link KvsIncompatibleRegionException} and left untouched. The holder deletes the file
 * while it still holds the lock, then releases it.
 *
 * <p>Thread safety: {@link #acquire} may be called from any thread; one holder object is used from one thread
 * at a time, and {@link #close()} is idempotent.
 */
public final class RegionLock implements AutoCloseable {
    private static final int ATTEMPTS = 100;
    /** How long a refused locker waits for the holder's record to name a live process. */
    private static final long HOLDER_RECORD_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private static final long HOLDER_RECORD_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final SecureRandom TOKENS = new SecureRandom();
    private static final Set<OpenOption> OPEN_OPTIONS = Set.of(
            StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);

    /** Guards the registry below. */
    private static final Object REGISTRY = new Object();
    /** Lock paths (see {@link #registryKey}) held or being taken in this JVM. */
    private static final Set<Path> RESERVED = new HashSet<>();
    /** Holders in this JVM by token, to recognise a descriptor of a file one of them locked. */
    private static final Map<Long, RegionLock> HELD = new HashMap<>();
    /** Descriptors of files locked in this JVM outside this class: closing one would drop that lock. */
    private static final List<FileChannel> NEVER_CLOSED = new ArrayList<>();

    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;
    /** Opened by path to check the path named our file; closing it before the release would drop the lock. */
    private final FileChannel verifier;

    private final long token;
    /** The file's key (device and inode) when we verified it, or null where the platform gives none. */
    private final Object fileKey;

    private final List<FileChannel> adopted = new ArrayList<>();
    private Path registryKey;
    private boolean released;

    private RegionLock(
            Path path, FileChannel channel, FileLock lock, FileChannel verifier, long token, Object fileKey) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
        this.verifier = verifier;
        this.token = token;
        this.fileKey = fileKey;
    }

    /** The lock file of the region at {@code regionPath}: the same name with {@code .lock} appended. */
    public static Path pathFor(Path regionPath) {
        return regionPath.resolveSibling(regionPath.getFileName() + ".lock");
    }

    /**
     * Takes the lock of the region at {@code regionPath} without waiting.
     *
     * @throws KvsRegionInUseException naming the lock file and the holder's pid if another server (in this or
     *     another process) holds it
     * @throws KvsIncompatibleRegionException naming the lock file if it is not a regular file, or not empty and
     *     not a lock file of this library (it is left untouched)
     * @throws KvsException if the lock file cannot be created or read
     */
    public static RegionLock acquire(Path regionPath) {
        Path path = pathFor(regionPath);
        Path key = registryKey(path);
        synchronized (REGISTRY) {
            if (!RESERVED.add(key)) {
                throw inUse(path, Processes.currentPid(), " (this process)");
            }
        }
        try {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                RegionLock held = tryOnce(path);
                if (held != null) {
                    synchronized (REGISTRY) {
                        held.registryKey = key;
                        HELD.put(held.token, held);
                    }
                    return held;
                }
            }
            throw new KvsException(
                    "cannot take the lock " + path + ": it was replaced under us " + ATTEMPTS + " times");
        } catch (RuntimeException | Error e) {
            synchronized (REGISTRY) {
                RESERVED.remove(key);
            }
            throw e;
        }
    }

    /**
     * The absolute path with its directory's symbolic links resolved (the file's own name is not: the file is
     * opened without following links), so two spellings of one path share one entry.
     */
    static Path registryKey(Path path) {
        Path absolute = path.toAbsolutePath();
        Path directory = absolute.getParent();
        try {
            directory = directory.toRealPath(); // resolves ".." after a link as the kernel does, unlike normalize()
        } catch (IOException missing) {
            // The open fails below with a clear message; the key only has to be stable until then.
            directory = directory.normalize();
        }
        return directory.resolve(absolute.getFileName());
    }

    /** The lock, or null if the path no longer names the file we locked (retry). */
    private static RegionLock tryOnce(Path path) {
        requireRegularOrAbsent(path);
        FileChannel channel;
        try {
            channel = open(path);
        } catch (IOException e) {
            requireRegularOrAbsent(path); // a link or directory put there since: say so, not "cannot open"
            throw new KvsException("cannot open the lock " + path + ": " + e, e);
        }
        return lockOpened(path, channel);
    }

    /**
     * Locks {@code channel}, a descriptor of the file at {@code path} (or of one that was there), and checks
     * that the path still names it. Package-private so that a test can hand in a descriptor it opened before
     * the previous holder deleted the file.
     *
     * @return the lock, or null if the path names another file or none (the channel is closed: retry)
     */
    static RegionLock lockOpened(Path path, FileChannel channel) {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException lockedInThisJvm) {
            neverClose(channel);
            throw inUse(path, Processes.currentPid(), " (this process)");
        } catch (IOException e) {
            closeQuietly(channel);
            throw new KvsException("cannot lock " + path + ": " + e, e);
        }
        if (lock == null) {
            Record record = awaitHolderRecord(channel);
            closeQuietly(channel); // no holder in this JVM has this file locked: the JDK would have said so
            throw inUse(path, record != null ? record.pid : 0, "");
        }
        try {
            Record existing = Record.read(channel);
            if (existing == null) {
                throw new KvsIncompatibleRegionException("lock file " + path + " is not a Concurrent-KVS lock file ("
                        + channel.size() + " bytes, not a " + LENGTH + "-byte lock record); it is left untouched:"
                        + " remove it yourself once no server of this name runs");
            }
            long token = newToken();
            write(channel, new Record(Processes.currentPid(), token));
            FileChannel verifier = verifierIfStillNamed(path, token);
            if (verifier == null) {
                release(lock, channel);
                return null; // the file we locked was deleted (and maybe recreated) by its previous holder
            }
            Object key = fileKey(path);
            return new RegionLock(path, channel, lock, verifier, token, key);
        } catch (IOException e) {
            release(lock, channel);
            throw new KvsException("cannot take the lock " + path + ": " + e, e);
        } catch (RuntimeException | Error e) {
            release(lock, channel);
            throw e;
        }
    }

    /**
     * A descriptor opened by path that reads back our record, or null if the path names another file (whose
     * descriptor is closed, or handed to the holder in this JVM that locked that file) or none.
     */
    private static FileChannel verifierIfStillNamed(Path path, long token) throws IOException {
        FileChannel verifier;
        try {
            verifier = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException gone) {
            return null;
        } catch (IOException replacedByLinkOrDirectory) {
            return null; // the next attempt's check names what is there now
        }
        Record seen = readRecordQuietly(verifier);
        if (seen != null && seen.token == token) {
            return verifier;
        }
        RegionLock owner;
        synchronized (REGISTRY) {
            owner = seen != null ? HELD.get(seen.token) : null;
        }
        if (owner == null || !owner.adopt(verifier)) {
            closeQuietly(verifier);
        }
        return null;
    }

    private static void requireRegularOrAbsent(Path path) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException absent) {
            return;
        } catch (IOException e) {
            throw new KvsException("cannot read the lock " + path + ": " + e, e);
        }
        if (!attributes.isRegularFile()) {
            String kind = attributes.isSymbolicLink()
                    ? "a symbolic link"
                    : attributes.isDirectory() ? "a directory" : "not a regular file";
            throw new KvsIncompatibleRegionException("lock file " + path + " is " + kind + "; it is left untouched:"
                    + " remove it yourself or choose another path");
        }
    }

    private static FileChannel open(Path path) throws IOException {
        Set<PosixFilePermission> mode = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        FileChannel channel;
        try {
            channel = FileChannel.open(path, OPEN_OPTIONS, PosixFilePermissions.asFileAttribute(mode));
        } catch (UnsupportedOperationException notPosix) {
            channel = FileChannel.open(path, OPEN_OPTIONS);
        }
        return channel;
    }

    private static Object fileKey(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    private static long newToken() {
        long token;
        do {
            token = TOKENS.nextLong();
        } while (token == 0);
        return token;
    }

    private static void write(FileChannel channel, Record record) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(MAGIC_OFFSET, MAGIC)
                .putInt(VERSION_OFFSET, VERSION)
                .putInt(RESERVED_OFFSET, 0)
                .putLong(PID_OFFSET, record.pid)
                .putLong(TOKEN_OFFSET, record.token);
        // One write of the whole record over the old one (no truncate first): a holder killed here leaves the
        // old record or the new one, both valid.
        while (bytes.hasRemaining()) {
            channel.write(bytes, bytes.position());
        }
        channel.force(false);
    }

    /**
     * The record of the process that holds the lock, for the refusal's message. The holder writes it just
     * after it locks, so a refused locker can read the file before that: empty, or still holding the record
     * of a dead previous holder. Waits a moment (bounded) for a live process's record.
     */
    private static Record awaitHolderRecord(FileChannel channel) {
        long deadline = System.nanoTime() + HOLDER_RECORD_WAIT_NANOS;
        while (true) {
            Record record = readRecordQuietly(channel);
            boolean live = record != null
                    && record.pid > 0
                    && ProcessHandle.of(record.pid).map(ProcessHandle::isAlive).orElse(false);
            if (live || System.nanoTime() - deadline >= 0) {
                return record;
            }
            LockSupport.parkNanos(HOLDER_RECORD_POLL_NANOS);
        }
    }

    private static Record readRecordQuietly(FileChannel channel) {
        try {
            return Record.read(channel);
        } catch (IOException e) {
            return null;
        }
    }

    private static KvsRegionInUseException inUse(Path path, long pid, String where) {
        String store = "store at " + path.resolveSibling(regionName(path)) + " is in use";
        String holder = pid > 0
                ? " by live process " + pid + where + ": it holds the lock "
                : ": another server holds the lock ";
        return new KvsRegionInUseException(store + holder + path, pid);
    }

    private static String regionName(Path lockPath) {
        String name = lockPath.getFileName().toString();
        return name.substring(0, name.length() - ".lock".length());
    }

    private static void neverClose(FileChannel channel) {
        synchronized (REGISTRY) {
            NEVER_CLOSED.add(channel);
        }
    }

    private static void release(FileLock lock, FileChannel channel) {
        try {
            lock.release();
        } catch (IOException ignored) {
            // Closing the channel releases it too.
        }
        closeQuietly(channel);
    }

    /** Keeps a descriptor of our file that another acquisition opened, to close it when we let go. */
    private synchronized boolean adopt(FileChannel descriptor) {
        if (released) {
            return false;
        }
        adopted.add(descriptor);
        return true;
    }

    /** The lock file's path. */
    public Path path() {
        return path;
    }

    /**
     * Deletes the lock file (while still holding it, and only if the path still names our file) and releases
     * the lock. Idempotent.
     */
    @Override
    public void close() {
        List<FileChannel> others;
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
            others = List.copyOf(adopted);
            adopted.clear();
        }
        try {
            if (fileKey == null || fileKey.equals(fileKey(path))) {
                Files.deleteIfExists(path);
            }
        } catch (IOException ignored) {
            // Left behind: the next holder takes it over; destroy removes it.
        }
        release(lock, channel);
        closeQuietly(verifier);
        others.forEach(RegionLock::closeQuietly);
        synchronized (REGISTRY) {
            HELD.remove(token);
            RESERVED.remove(registryKey);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing more to release.
            }
        }
    }

    /** A lock record: the holder's pid and token. */
    private record Record(long pid, long token) {
        /**
         * The record in the file, an empty record (pid 0, token 0) for an empty file, or null if the file is
         * not a lock file of ours. Reads at most {@value LockFileDescriptor#LENGTH} bytes, whatever the size.
         */
        static Record read(FileChannel channel) throws IOException {
            long size = channel.size();
            if (size == 0) {
                return new Record(0, 0);
            }
            if (size != LENGTH) {
                return null;
            }
            ByteBuffer bytes = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            while (bytes.hasRemaining()) {
                if (channel.read(bytes, bytes.position()) < 0) {
                    return null;
                }
            }
            if (bytes.getLong(MAGIC_OFFSET) != MAGIC || bytes.getInt(VERSION_OFFSET) != VERSION) {
                return null;
            }
            long pid = bytes.getLong(PID_OFFSET);
            long token = bytes.getLong(TOKEN_OFFSET);
            return pid > 0 && token != 0 ? new Record(pid, token) : null;
        }
    }
}
