package io.concurrentkvs.core.internal.store;

import static io.concurrentkvs.core.internal.store.StoreLayout.*;

import io.concurrentkvs.core.KvsException;
import io.concurrentkvs.core.KvsIncompatibleRegionException;
import io.concurrentkvs.core.internal.memory.HeapMemory;
import io.concurrentkvs.core.internal.memory.MappedFiles;
import io.concurrentkvs.core.internal.memory.Memory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The store's file beside the region ({@code /dev/shm/<name>.store}), mapped for as long as one server uses
 * it. Only the holder of the name's {@link io.concurrentkvs.core.internal.region.RegionLock} may open, create
 * or delete it: that lock is what makes the server the only writer. The file takes no lock of its own: a
 * POSIX record lock is dropped when any descriptor of the file in the process is closed (a {@code KvsStats}
 * read in the server's JVM would do it), so it would be a guard that silently goes away.
 *
 * <p>A new file is reserved in full when created (written with zeros through the channel, so a full
 * {@code /dev/shm} fails here with a clear message and never later as a {@code SIGBUS}). An existing file
 * is adopted only if its header is valid and describes the settings the server asks for.
 *
 * <p>Thread safety: open and close on one thread; {@link #memory()} may be used from any thread until
 * {@link #close()}, after which it must not be touched (its pages are unmapped).
 */
public final class StoreFile implements AutoCloseable {
    private static final int RESERVE_CHUNK = 1 << 20;

    private final Path path;
    private final FileChannel channel;
    private final List<MappedFiles.Mapping> mappings;
    private final StoreMemory memory;
    private final boolean blank;
    private boolean closed;

    private StoreFile(
            Path path, FileChannel channel, List<MappedFiles.Mapping> mappings, StoreMemory memory, boolean blank) {
        this.path = path;
        this.channel = channel;
        this.mappings = mappings;
        this.memory = memory;
        this.blank = blank;
    }

    /** The store file of the region at {@code regionPath}: the same name with {@code .store} appended. */
    public static Path pathFor(Path regionPath) {
        return regionPath.resolveSibling(regionPath.getFileName() + ".store");
    }

    /**
     * Opens the store at {@code path}, creating (or, with {@code fresh}, recreating) it blank. The caller must
     * hold the name's region lock.
     *
     * @throws KvsIncompatibleRegionException if the file is not empty and not a store file of ours (it is left
     *     untouched)
     * @throws KvsIncompatibleRegionException if the file holds a store this server cannot adopt
     * @throws KvsException if the file cannot be created, reserved or mapped
     */
    public static StoreFile open(Path path, StoreGeometry wanted, boolean fresh, Set<PosixFilePermission> permissions) {
        FileChannel channel = null;
        boolean existed = Files.exists(path, LinkOption.NOFOLLOW_LINKS);
        try {
            channel = openChannel(path, permissions);
            requireOursOrEmpty(path, channel);
            StoreGeometry existing = fresh ? null : existingGeometry(path, channel);
            if (existing != null && !existing.sameSettings(wanted)) {
                throw new KvsIncompatibleRegionException("store file " + path + " holds a store of " + existing
                        + "; this server asks for " + wanted + ". Start it with the settings the store was made "
                        + "with, or with fresh(true) to discard the data, or remove it with KvsServer.destroy");
            }
            boolean blank = existing == null;
            if (blank) {
                reserve(path, channel, wanted.fileLength());
            }
            List<MappedFiles.Mapping> mappings = new ArrayList<>();
            StoreMemory memory = map(channel, wanted, mappings);
            return new StoreFile(path, channel, mappings, memory, blank);
        } catch (IOException e) {
            closeQuietly(channel);
            removeIfCreated(path, existed);
            if (existed && !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                throw new KvsIncompatibleRegionException("file at " + path + " is not a Concurrent-KVS store file (not"
                        + " a regular file); it is left untouched: remove it yourself or choose another path");
            }
            throw new KvsException("cannot open store file " + path + ": " + e, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            removeIfCreated(path, existed);
            throw e;
        }
    }

    /**
     * Refuses a file that is not a store file of ours (not empty, and no store magic), even with {@code
     * fresh}: it may be a user's file, and reserving would overwrite it.
     */
    private static void requireOursOrEmpty(Path path, FileChannel channel) throws IOException {
        long size = channel.size();
        if (size == 0) {
            return;
        }
        ByteBuffer magic = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        while (magic.hasRemaining()) {
            if (channel.read(magic, magic.position()) < 0) {
                break;
            }
        }
        if (magic.hasRemaining() || magic.getLong(0) != MAGIC) {
            throw new KvsIncompatibleRegionException("file at " + path + " is not a Concurrent-KVS store file (no store"
                    + " magic in its first 8 bytes); it is left untouched: remove it yourself or choose another path");
        }
    }

    /** A file this call created and could not finish holds nothing: it must not stay behind. */
    private static void removeIfCreated(Path path, boolean existed) {
        if (!existed) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // Left as an empty file; the next start treats it as blank.
            }
        }
    }

    private static FileChannel openChannel(Path path, Set<PosixFilePermission> permissions) throws IOException {
        Set<java.nio.file.OpenOption> options = Set.of(
                StandardOpenOption.CREATE,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        boolean existed = Files.exists(path, LinkOption.NOFOLLOW_LINKS);
        FileChannel channel;
        try {
            FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(permissions);
            channel = FileChannel.open(path, options, mode);
            if (!existed) {
                Files.setPosixFilePermissions(path, permissions); // the creation mode is filtered by the umask
            }
        } catch (UnsupportedOperationException notPosix) {
            channel = FileChannel.open(path, options);
        }
        return channel;
    }

    /** The geometry of a complete store in the file, or null if the file holds none (empty or never finished). */
    private static StoreGeometry existingGeometry(Path path, FileChannel channel) throws IOException {
        long size = channel.size();
        if (size < HEADER_LENGTH) {
            return null;
        }
        Memory header = readHeaderBytes(channel);
        if (StoreHeader.version(header) == 0) {
            return null; // a server died creating it: nothing in it was ever acknowledged
        }
        try {
            return StoreHeader.read(header, size).geometry;
        } catch (IllegalArgumentException e) {
            throw new KvsIncompatibleRegionException("store file " + path + " cannot be adopted: " + e.getMessage()
                    + ". Start with fresh(true) to discard it, or remove it with KvsServer.destroy");
        }
    }

    private static Memory readHeaderBytes(FileChannel channel) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        while (bytes.hasRemaining()) {
            if (channel.read(bytes, bytes.position()) < 0) {
                break;
            }
        }
        Memory header = new HeapMemory(HEADER_LENGTH);
        header.putBytes(0, bytes.array(), 0, HEADER_LENGTH);
        return header;
    }

    /** Makes the file exactly {@code length} zero bytes, every page allocated. */
    private static void reserve(Path path, FileChannel channel, long length) throws IOException {
        channel.truncate(0);
        ByteBuffer zeros = ByteBuffer.allocateDirect(RESERVE_CHUNK);
        long position = 0;
        try {
            // The magic first, so that a server dying mid-reserve leaves a file the next one knows is ours.
            ByteBuffer magic =
                    ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, MAGIC);
            while (magic.hasRemaining()) {
                position += channel.write(magic, position);
            }
            while (position < length) {
                zeros.clear();
                zeros.limit((int) Math.min(RESERVE_CHUNK, length - position));
                while (zeros.hasRemaining()) {
                    position += channel.write(zeros, position);
                }
            }
        } catch (IOException e) {
            channel.truncate(0);
            long usable = usableSpace(path);
            throw new KvsException(
                    "cannot reserve " + length + " bytes for the store at " + path + " (" + usable
                            + " bytes free there; lower maxDataBytes or maxEntries, or free space): " + e,
                    e);
        }
    }

    private static long usableSpace(Path path) {
        try {
            return Files.getFileStore(path.toAbsolutePath().getParent()).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    private static StoreMemory map(FileChannel channel, StoreGeometry g, List<MappedFiles.Mapping> mappings)
            throws IOException {
        try {
            MappedFiles.Mapping meta = MappedFiles.map(channel, 0, g.dataOffset());
            mappings.add(meta);
            long chunk = Math.max(StoreGeometry.DATA_CHUNK, g.pageSize());
            int count = (int) ((g.dataBytes() + chunk - 1) / chunk);
            Memory[] chunks = new Memory[count];
            for (int i = 0; i < count; i++) {
                long start = (long) i * chunk;
                MappedFiles.Mapping data =
                        MappedFiles.map(channel, g.dataOffset() + start, Math.min(chunk, g.dataBytes() - start));
                mappings.add(data);
                chunks[i] = data.memory();
            }
            return new StoreMemory(g, meta.memory(), chunks, chunk);
        } catch (IOException | RuntimeException e) {
            mappings.forEach(MappedFiles.Mapping::unmap);
            mappings.clear();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public StoreMemory memory() {
        return memory;
    }

    /** Records {@code pid} as the server that holds the file (for {@code kvs stats} and post-mortems). */
    public void recordOwner(long pid) {
        memory.meta().putLongVolatile(OWNER_PID_OFFSET, pid);
    }

    /**
     * The persisted history the file's header records ({@link StoreLayout#PERSISTED_HISTORY_OFFSET}), read
     * before adopting it; 0 for a blank file.
     */
    public long recordedHistory() {
        return blank ? 0 : SharedStore.persistedHistoryOf(memory.meta());
    }

    /** True if the file was created (or recreated) blank: format it, there is nothing to adopt. */
    public boolean isBlank() {
        return blank;
    }

    /** Unmaps and closes the file. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        mappings.forEach(MappedFiles.Mapping::unmap);
        closeQuietly(channel);
    }

    /**
     * Removes the store file at {@code path}; does nothing if there is none. The caller must hold the name's
     * region lock (so no server uses the file).
     *
     * @throws KvsIncompatibleRegionException if the file is not empty and not a store file of ours (it is left
     *     untouched)
     */
    public static void delete(Path path) {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            requireOursOrEmpty(path, channel);
            Files.deleteIfExists(path);
        } catch (NoSuchFileException gone) {
            // Nothing to remove.
        } catch (IOException e) {
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)
                    && !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                throw new KvsIncompatibleRegionException("file at " + path + " is not a Concurrent-KVS store file (not"
                        + " a regular file); it is left untouched: remove it yourself");
            }
            throw new KvsException("cannot remove store file " + path + ": " + e, e);
        }
    }

    /**
     * Reads the geometry and recorded usage of the store file at {@code path} without locking or mapping
     * it (read permission is enough), or returns null if there is no complete store there.
     *
     * @throws KvsIncompatibleRegionException if the file is not a store this library reads
     */
    public static Summary readSummary(Path path) {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            StoreGeometry g = existingGeometry(path, channel);
            if (g == null) {
                return null;
            }
            int length = (int) Math.min(g.dataOffset(), Integer.MAX_VALUE);
            if (g.indexOffset() > Integer.MAX_VALUE) {
                return null;
            }
            Memory meta = new HeapMemory((int) g.indexOffset());
            readInto(channel, meta, 0, (int) g.indexOffset());
            Memory pageMap = new HeapMemory(length - (int) g.pageMapOffset());
            readInto(channel, pageMap, g.pageMapOffset(), length - (int) g.pageMapOffset());
            return new Summary(g, SharedStore.recordedUsage(meta, pageMap, g));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new KvsException("cannot read store file " + path + ": " + e, e);
        }
    }

    private static void readInto(FileChannel channel, Memory target, long position, int length) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(length);
        while (bytes.hasRemaining()) {
            if (channel.read(bytes, position + bytes.position()) < 0) {
                break;
            }
        }
        target.putBytes(0, bytes.array(), 0, length);
    }

    /** A store file's settings and how full it is, as its segment headers and page map record. */
    public record Summary(StoreGeometry geometry, StoreUsage usage) {}

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
