package io.concurrentkvs.core.internal.region;

import io.concurrentkvs.core.KvsException;
import io.concurrentkvs.core.KvsRegionInUseException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.Set;

/**
 * The exclusive lock a server holds on {@code <region path>.lock} from {@code start()} to {@code stop()}: only
 * its holder creates, replaces or unlinks the region and the store file of a name. The kernel drops the lock
 * when the process dies, however it dies, so a dead server never keeps the next one out; a live one always
 * does, which a check of the region's header then an unlink cannot guarantee.
 *
 * <p>The file is opened without following symbolic links, created with mode 0600, and holds one line
 * {@code <pid> <token>} written by its holder. The holder deletes it when it lets go. Because another process
 * may still have the deleted file open (and lock it after we release it), every acquisition checks, while
 * holding the lock, that the path still names the locked file (the token written through the channel reads
 * back through the path) and starts again if it does not.
 *
 * <p>Thread safety: one holder object per acquisition, used from one thread at a time.
 */
public final class RegionLock implements AutoCloseable {
    private static final int ATTEMPTS = 100;
    private static final SecureRandom TOKENS = new SecureRandom();

    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean released;

    private RegionLock(Path path, FileChannel channel, FileLock lock) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock file of the region at {@code regionPath}: the same name with {@code .lock} appended. */
    public static Path pathFor(Path regionPath) {
        return regionPath.resolveSibling(regionPath.getFileName() + ".lock");
    }

    /**
     * Takes the lock of the region at {@code regionPath} without waiting.
     *
     * @throws KvsRegionInUseException naming the lock file if another server (in any process) holds it
     * @throws KvsException if the lock file cannot be created or is not a regular file
     */
    public static RegionLock acquire(Path regionPath) {
        Path path = pathFor(regionPath);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            RegionLock held = tryOnce(path);
            if (held != null) {
                return held;
            }
        }
        throw new KvsException("cannot take the lock " + path + ": it was replaced under us " + ATTEMPTS + " times");
    }

    /** The lock, or null if the path no longer names the file we locked (retry). */
    private static RegionLock tryOnce(Path path) {
        FileChannel channel = null;
        try {
            channel = open(path);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException sameProcess) {
                lock = null;
            }
            if (lock == null) {
                long pid = readPid(channel);
                throw new KvsRegionInUseException("store at " + path.resolveSibling(regionName(path))
                        + " is in use: another server holds the lock " + path + (pid > 0 ? " (pid " + pid + ")" : ""),
                        pid);
            }
            String line = Processes.currentPid() + " " + Long.toUnsignedString(TOKENS.nextLong(), 16) + "\n";
            byte[] bytes = line.getBytes(StandardCharsets.US_ASCII);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(bytes), 0);
            channel.force(false);
            if (!line.equals(readThroughPath(path))) {
                lock.release();
                channel.close();
                return null; // the file we locked was deleted (and maybe recreated) by its previous holder
            }
            return new RegionLock(path, channel, lock);
        } catch (KvsRegionInUseException e) {
            closeQuietly(channel);
            throw e;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new KvsException("cannot take the lock " + path + ": " + e, e);
        }
    }

    private static String regionName(Path lockPath) {
        String name = lockPath.getFileName().toString();
        return name.substring(0, name.length() - ".lock".length());
    }

    private static FileChannel open(Path path) throws IOException {
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> mode = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        FileChannel channel;
        try {
            channel = FileChannel.open(path, options, PosixFilePermissions.asFileAttribute(mode));
        } catch (UnsupportedOperationException notPosix) {
            channel = FileChannel.open(path, options);
        }
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            channel.close();
            throw new IOException("not a regular file");
        }
        return channel;
    }

    private static String readThroughPath(Path path) throws IOException {
        try (SeekableByteChannel in = Files.newByteChannel(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buffer = ByteBuffer.allocate(128);
            while (buffer.hasRemaining() && in.read(buffer) > 0) {
                // read until full or end of file
            }
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException gone) {
            return "";
        }
    }

    /** The pid the holder wrote, or 0 if unreadable: only for the message. */
    private static long readPid(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(64);
            channel.read(buffer, 0);
            String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
            int space = text.indexOf(' ');
            return space > 0 ? Long.parseLong(text.substring(0, space)) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** The lock file's path. */
    public Path path() {
        return path;
    }

    /** Deletes the lock file (while still holding it) and releases the lock. Idempotent. */
    @Override
    public void close() {
        if (released) {
            return;
        }
        released = true;
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // Left behind: the next holder takes it over; destroy removes it.
        }
        try {
            lock.release();
        } catch (IOException ignored) {
            // Closing the channel releases it too.
        }
        closeQuietly(channel);
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
}
