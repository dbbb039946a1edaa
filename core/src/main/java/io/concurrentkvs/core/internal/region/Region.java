package io.concurrentkvs.core.internal.region;

import static io.concurrentkvs.core.internal.region.RegionHeaderDescriptor.*;

import io.concurrentkvs.core.KvsException;
import io.concurrentkvs.core.KvsIncompatibleRegionException;
import io.concurrentkvs.core.KvsUnavailableException;
import io.concurrentkvs.core.internal.layout.ClientTable;
import io.concurrentkvs.core.internal.layout.ClientTableDescriptor;
import io.concurrentkvs.core.internal.layout.ResponseSlots;
import io.concurrentkvs.core.internal.memory.MappedFiles;
import io.concurrentkvs.core.internal.memory.Memory;
import io.concurrentkvs.core.internal.ring.RequestRing;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * A mapped shared-memory region: the header, the request ring, the client table and the response area,
 * laid out by {@link RegionGeometry}.
 *
 * <p>The server {@linkplain #create creates} a region and {@linkplain #markReady marks it ready} by
 * writing the layout version last; clients {@linkplain #attach attach} and validate everything they
 * read before trusting it. A mapped region builds its typed views of the three sections once, from the
 * validated geometry: {@link #ring()}, {@link #clientTable()} and {@link #responseSlots()}. The file is
 * never truncated while mapped (a restart creates a new file).
 *
 * <p><b>Unmapping.</b> Whoever created or attached a region {@linkplain #unmap unmaps} it once no thread
 * can touch it again: on Java 17-23 an access to unmapped memory crashes the JVM (SIGSEGV), it does not
 * throw (on 24+, with FFM mappings, it throws {@link IllegalStateException}; still a bug). The
 * server unmaps its region after its threads have been joined; a connection guards the readers that do
 * not hold its drive token ({@code MappingGuard}); a short-lived attach (taking over a dead server's
 * name) unmaps when done. A region never unmapped is released by the garbage collector, late.
 *
 * <p>Thread safety: immutable after construction apart from {@link #unmap}; the memory it exposes, and
 * the views over it, are shared by design (see each view's own thread-safety contract).
 */
public final class Region {

    private final Path path;
    private final RegionGeometry geometry;
    private final Memory memory;
    /** The mapping behind {@link #memory}; null for a header-only copy ({@link #readHeader}). */
    private final MappedFiles.Mapping mapping;
    /** The section views; all null for a header-only copy ({@link #readHeader}). */
    private final RequestRing ring;

    private final ClientTable clientTable;
    private final ResponseSlots responseSlots;

    /**
     * Builds the section views over {@code memory} when it holds the whole region ({@code sections});
     * a copy of the header only has none.
     */
    private Region(Path path, RegionGeometry geometry, Memory memory, MappedFiles.Mapping mapping) {
        this.path = path;
        this.geometry = geometry;
        this.memory = memory;
        this.mapping = mapping;
        if (mapping != null) {
            RegionGeometry g = geometry;
            this.ring =
                    new RequestRing(memory.slice(g.ringOffset(), g.ringLength()), g.ringCapacity(), g.ringSlotSize());
            this.clientTable =
                    new ClientTable(memory.slice(g.clientTableOffset(), g.clientTableLength()), g.clientCapacity());
            this.responseSlots = new ResponseSlots(
                    memory.slice(g.responseOffset(), g.responseAreaLength()),
                    g.clientCapacity(),
                    g.responseSlotsPerClient(),
                    g.responseSlotSize(),
                    g.maxValueBytes());
        } else {
            this.ring = null;
            this.clientTable = null;
            this.responseSlots = null;
        }
    }

    /** Default file mode of a new region: owner read/write only (0600). */
    public static Set<PosixFilePermission> defaultPermissions() {
        return EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    /**
     * Creates a new region file (it must not exist), pre-touches every page so that a full
     * {@code /dev/shm} fails here rather than as a fault later, and writes the header except the
     * version word.
     *
     * @throws KvsException if the file exists or cannot be created and mapped
     */
    public static Region create(
            Path path, RegionGeometry geometry, Set<PosixFilePermission> permissions, ServerIdentity identity) {
        long length = geometry.regionLength();
        MappedFiles.Mapping mapping;
        try (FileChannel channel = openNew(path, permissions)) {
            // setPosixFilePermissions again: the creation mode is filtered by the umask.
            setPermissions(path, permissions);
            mapping = MappedFiles.map(channel, 0, length);
        } catch (FileAlreadyExistsException e) {
            throw new KvsException("cannot create region " + path + ": the file already exists", e);
        } catch (IOException | RuntimeException e) {
            throw new KvsException("cannot create region " + path + " of " + length + " bytes: " + e, e);
        }
        Region region = new Region(path, geometry, mapping.memory(), mapping);
        try {
            // The magic first (the new file is zeros already; the fill pre-touches the pages): a server that
            // dies while it fills leaves a file the next one recognises as ours and may replace.
            region.memory.putLong(MAGIC_OFFSET, MAGIC);
            region.memory.setMemory(8, length - 8, (byte) 0);
        } catch (InternalError e) {
            // Nobody else has seen this mapping or (without a version word) trusted this file of ours.
            region.unmap();
            removeQuietly(path);
            throw new KvsException(
                    "cannot allocate " + length + " bytes for region " + path
                            + " (is the shared-memory file system full?)",
                    e);
        }
        region.writeHeader(identity);
        return region;
    }

    private static void removeQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // The caller's exception says what went wrong; a leftover file is replaced by the next start.
        }
    }

    private static FileChannel openNew(Path path, Set<PosixFilePermission> permissions) throws IOException {
        Set<StandardOpenOption> options =
                EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(permissions);
            return FileChannel.open(path, options, mode);
        } catch (UnsupportedOperationException notPosix) {
            return FileChannel.open(path, options);
        }
    }

    private static void setPermissions(Path path, Set<PosixFilePermission> permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(path, permissions);
        } catch (UnsupportedOperationException notPosix) {
            // Not a POSIX file system: the platform's defaults apply.
        }
    }

    private void writeHeader(ServerIdentity identity) {
        RegionGeometry g = geometry;
        memory.putLong(MAGIC_OFFSET, MAGIC);
        memory.putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH);
        memory.putLong(REGION_LENGTH_OFFSET, g.regionLength());
        memory.putLong(RING_OFFSET_OFFSET, g.ringOffset());
        memory.putInt(RING_CAPACITY_OFFSET, g.ringCapacity());
        memory.putInt(RING_SLOT_SIZE_OFFSET, g.ringSlotSize());
        memory.putLong(CLIENT_TABLE_OFFSET_OFFSET, g.clientTableOffset());
        memory.putInt(CLIENT_CAPACITY_OFFSET, g.clientCapacity());
        memory.putInt(CLIENT_ENTRY_SIZE_OFFSET, ClientTableDescriptor.ENTRY_SIZE);
        memory.putLong(RESPONSE_OFFSET_OFFSET, g.responseOffset());
        memory.putInt(RESPONSE_SLOTS_PER_CLIENT_OFFSET, g.responseSlotsPerClient());
        memory.putInt(RESPONSE_SLOT_SIZE_OFFSET, g.responseSlotSize());
        memory.putInt(MAX_KEY_BYTES_OFFSET, g.maxKeyBytes());
        memory.putInt(MAX_VALUE_BYTES_OFFSET, g.maxValueBytes());
        memory.putInt(STALL_TIMEOUT_MS_OFFSET, g.stallTimeoutMs());
        memory.putInt(HEARTBEAT_INTERVAL_MS_OFFSET, g.heartbeatIntervalMs());
        memory.putLong(SERVER_PID_OFFSET, identity.pid());
        memory.putLong(SERVER_PROCESS_START_OFFSET, identity.processStartMillis());
        memory.putLong(EPOCH_OFFSET, identity.epoch());
        memory.putLong(CREATED_MILLIS_OFFSET, identity.createdMillis());
        memory.putInt(WORKERS_OFFSET, identity.workers());
        memory.putInt(STRIPES_OFFSET, identity.stripes());
        memory.putLong(HEARTBEAT_OFFSET, identity.createdMillis());
        memory.putInt(STATE_OFFSET, STATE_INITIALIZING);
        ring.initialize();
    }

    /** Publishes the region: writes the layout version last, with release semantics. */
    public void markReady() {
        memory.putIntRelease(VERSION_OFFSET, LAYOUT_VERSION);
    }

    /**
     * Maps an existing region and validates its header.
     *
     * @throws RegionNotReadyException if its server has not finished creating it
     * @throws KvsUnavailableException if no file exists at {@code path}
     * @throws KvsIncompatibleRegionException if the file is not a region of a supported layout
     */
    public static Region attach(Path path) {
        MappedFiles.Mapping mapping;
        long fileLength;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            fileLength = channel.size();
            if (fileLength < HEADER_LENGTH) {
                throw incompatible(
                        path, "file is " + fileLength + " bytes, shorter than the " + HEADER_LENGTH + "-byte header");
            }
            if (fileLength > RegionGeometry.MAX_REGION_LENGTH) {
                throw incompatible(path, "file is " + fileLength + " bytes, larger than any region");
            }
            mapping = MappedFiles.map(channel, 0, fileLength);
        } catch (NoSuchFileException e) {
            throw new KvsUnavailableException("no region at " + path + ": no server has been started on this name");
        } catch (IOException e) {
            throw new KvsUnavailableException("cannot open region " + path + ": " + e, e);
        }
        try {
            return new Region(path, validate(path, mapping.memory(), fileLength), mapping.memory(), mapping);
        } catch (RuntimeException | Error e) {
            // Not returned, so no thread but this one has seen the mapping.
            mapping.unmap();
            throw e;
        }
    }

    /**
     * Reads a copy of the header of the region at {@code path} without mapping it or needing write
     * permission, validated as {@link #attach} validates it. The returned region holds only the header:
     * its section views ({@link #ring()}, {@link #clientTable()}, {@link #responseSlots()}) throw
     * {@link IllegalStateException}.
     *
     * @throws KvsUnavailableException if no file exists at {@code path} or it is not ready
     * @throws KvsIncompatibleRegionException if the file is not a region of a supported layout
     */
    public static Region readHeader(Path path) {
        ByteBuffer bytes = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        long fileLength;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            fileLength = channel.size();
            if (fileLength < HEADER_LENGTH) {
                throw incompatible(
                        path, "file is " + fileLength + " bytes, shorter than the " + HEADER_LENGTH + "-byte header");
            }
            while (bytes.hasRemaining()) {
                if (channel.read(bytes, bytes.position()) < 0) {
                    throw incompatible(path, "file ended inside the header");
                }
            }
        } catch (NoSuchFileException e) {
            throw new KvsUnavailableException("no region at " + path + ": no server has been started on this name");
        } catch (IOException e) {
            throw new KvsUnavailableException("cannot read region " + path + ": " + e, e);
        }
        Memory header = new io.concurrentkvs.core.internal.memory.HeapMemory(HEADER_LENGTH);
        header.putBytes(0, bytes.array(), 0, HEADER_LENGTH);
        return new Region(path, validate(path, header, fileLength), header, null);
    }

    /** Checks magic, version and geometry of a header; returns the geometry. */
    private static RegionGeometry validate(Path path, Memory memory, long fileLength) {
        long magic = memory.getLong(MAGIC_OFFSET);
        int version = memory.getIntAcquire(VERSION_OFFSET);
        if (version == 0) {
            if (magic != MAGIC && magic != 0) {
                throw incompatible(path, String.format("magic is 0x%016x, expected 0x%016x", magic, MAGIC));
            }
            throw new RegionNotReadyException("region " + path + " is still being initialised by its server");
        }
        if (magic != MAGIC) {
            throw incompatible(
                    path,
                    String.format("magic is 0x%016x, expected 0x%016x: not a Concurrent-KVS region", magic, MAGIC));
        }
        int major = version >>> 16;
        if (major != MAJOR_VERSION) {
            throw incompatible(
                    path,
                    "layout version " + major + "." + (version & 0xFFFF)
                            + " is not supported; this library reads version " + MAJOR_VERSION + ".x");
        }
        return readGeometry(path, memory, fileLength);
    }

    private static RegionGeometry readGeometry(Path path, Memory memory, long fileLength) {
        RegionGeometry geometry;
        try {
            geometry = new RegionGeometry(
                    memory.getInt(RING_CAPACITY_OFFSET),
                    memory.getInt(MAX_KEY_BYTES_OFFSET),
                    memory.getInt(MAX_VALUE_BYTES_OFFSET),
                    memory.getInt(CLIENT_CAPACITY_OFFSET),
                    memory.getInt(RESPONSE_SLOTS_PER_CLIENT_OFFSET),
                    memory.getInt(STALL_TIMEOUT_MS_OFFSET),
                    memory.getInt(HEARTBEAT_INTERVAL_MS_OFFSET));
        } catch (IllegalArgumentException e) {
            throw incompatible(path, "header geometry is invalid: " + e.getMessage());
        }
        requireEqual(path, "header length", memory.getInt(HEADER_LENGTH_OFFSET), HEADER_LENGTH);
        requireEqual(path, "region length", memory.getLong(REGION_LENGTH_OFFSET), geometry.regionLength());
        requireEqual(path, "ring offset", memory.getLong(RING_OFFSET_OFFSET), geometry.ringOffset());
        requireEqual(path, "ring slot size", memory.getInt(RING_SLOT_SIZE_OFFSET), geometry.ringSlotSize());
        requireEqual(
                path, "client table offset", memory.getLong(CLIENT_TABLE_OFFSET_OFFSET), geometry.clientTableOffset());
        requireEqual(
                path, "client entry size", memory.getInt(CLIENT_ENTRY_SIZE_OFFSET), ClientTableDescriptor.ENTRY_SIZE);
        requireEqual(path, "response offset", memory.getLong(RESPONSE_OFFSET_OFFSET), geometry.responseOffset());
        requireEqual(path, "response slot size", memory.getInt(RESPONSE_SLOT_SIZE_OFFSET), geometry.responseSlotSize());
        if (geometry.regionLength() > fileLength) {
            throw incompatible(
                    path, "header describes " + geometry.regionLength() + " bytes but the file has only " + fileLength);
        }
        return geometry;
    }

    private static void requireEqual(Path path, String what, long actual, long expected) {
        if (actual != expected) {
            throw incompatible(path, what + " is " + actual + ", the geometry requires " + expected);
        }
    }

    private static KvsIncompatibleRegionException incompatible(Path path, String reason) {
        return new KvsIncompatibleRegionException("incompatible region " + path + ": " + reason);
    }

    public Path path() {
        return path;
    }

    /**
     * Unmaps the region now (a header-only copy has nothing to unmap). The caller guarantees that no thread
     * touches {@link #memory()}, a section view or a header accessor of this region afterwards: that would
     * crash the JVM. Idempotent; not thread-safe (one owner decides).
     */
    public void unmap() {
        if (mapping != null) {
            mapping.unmap();
        }
    }

    public RegionGeometry geometry() {
        return geometry;
    }

    /** The whole region. */
    public Memory memory() {
        return memory;
    }

    /** The header ({@link RegionHeaderDescriptor}). */
    public Memory header() {
        return memory.slice(0, HEADER_LENGTH);
    }

    /**
     * The request ring section ({@code RequestRingDescriptor}), with this region's ring capacity and slot
     * size; the same view on every call.
     *
     * @throws IllegalStateException if this region is a header-only copy ({@link #readHeader})
     */
    public RequestRing ring() {
        return section(ring);
    }

    /**
     * The client table section, with this region's client capacity; the same view on every call.
     *
     * @throws IllegalStateException if this region is a header-only copy ({@link #readHeader})
     */
    public ClientTable clientTable() {
        return section(clientTable);
    }

    /**
     * The response area: every client's block of response slots, with this region's slot counts and
     * limits; the same view on every call.
     *
     * @throws IllegalStateException if this region is a header-only copy ({@link #readHeader})
     */
    public ResponseSlots responseSlots() {
        return section(responseSlots);
    }

    private <T> T section(T view) {
        if (view == null) {
            throw new IllegalStateException("region " + path + " is a copy of the header only: it has no sections");
        }
        return view;
    }

    public long epoch() {
        return memory.getLong(EPOCH_OFFSET);
    }

    public long serverPid() {
        return memory.getLong(SERVER_PID_OFFSET);
    }

    public long serverProcessStartMillis() {
        return memory.getLong(SERVER_PROCESS_START_OFFSET);
    }

    public int state() {
        return memory.getIntAcquire(STATE_OFFSET);
    }

    public void setState(int state) {
        memory.putIntVolatile(STATE_OFFSET, state);
    }

    public long heartbeat() {
        return memory.getLongAcquire(HEARTBEAT_OFFSET);
    }

    public void writeHeartbeat(long epochMillis) {
        memory.putLongRelease(HEARTBEAT_OFFSET, epochMillis);
    }

    public long counter(Counters counter) {
        return memory.getLongAcquire(counter.offset());
    }

    public void publishCounter(Counters counter, long value) {
        memory.putLongRelease(counter.offset(), value);
    }

    /**
     * Reads the epoch of the region at {@code path} without mapping it, for cheap polling while waiting
     * for a server to (re)start.
     *
     * @return the epoch, or 0 if there is no ready region of this layout at {@code path}
     */
    public static long peekEpoch(Path path) {
        ByteBuffer header = ByteBuffer.allocate(EPOCH_OFFSET + 8).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            while (header.hasRemaining()) {
                if (channel.read(header, header.position()) < 0) {
                    return 0;
                }
            }
        } catch (IOException e) {
            return 0;
        }
        if (header.getLong(MAGIC_OFFSET) != MAGIC || header.getInt(VERSION_OFFSET) >>> 16 != MAJOR_VERSION) {
            return 0;
        }
        return header.getLong(EPOCH_OFFSET);
    }

    /**
     * True if there is no file at {@code path}, or it is empty, or it starts with this library's region magic:
     * only such a file may be replaced or removed. Symbolic links are not followed (a link is not ours).
     */
    public static boolean isOursOrEmpty(Path path) {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        if (!Files.isRegularFile(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        ByteBuffer magic = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            if (channel.size() == 0) {
                return true;
            }
            while (magic.hasRemaining()) {
                if (channel.read(magic, magic.position()) < 0) {
                    return false;
                }
            }
        } catch (NoSuchFileException gone) {
            return true;
        } catch (IOException e) {
            return false;
        }
        return magic.getLong(0) == MAGIC;
    }

    /** Removes the region's file; existing mappings stay valid until unmapped. */
    public static void unlink(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new KvsException("cannot remove region " + path + ": " + e, e);
        }
    }
}
