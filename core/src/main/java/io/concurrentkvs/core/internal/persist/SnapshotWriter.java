package io.concurrentkvs.core.internal.persist;

import static io.concurrentkvs.core.internal.persist.PersistLayout.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Writes one snapshot file ({@link PersistLayout}): entries into {@code snapshot-<seq>.kvssnap.tmp} through a
 * 1 MiB heap buffer, then {@link #commit()} adds the trailer, forces the file and renames it into place, so a
 * snapshot under its final name is always complete. Used by one thread; not thread-safe.
 */
final class SnapshotWriter implements AutoCloseable {
    private static final int BUFFER = 1 << 20;

    private final Path dir;
    private final Path finalPath;
    private final Path tempPath;
    private final FileChannel channel;
    private final byte[] buf = new byte[BUFFER];
    private final CRC32C crc = new CRC32C();
    private int used;
    private long position;
    private long entries;
    private boolean committed;
    private boolean closed;

    private SnapshotWriter(Path dir, Path finalPath, Path tempPath, FileChannel channel) {
        this.dir = dir;
        this.finalPath = finalPath;
        this.tempPath = tempPath;
        this.channel = channel;
    }

    /**
     * Starts the snapshot {@code seq} of the history {@code historyId} in {@code dir}. A {@code .tmp} left by a
     * writer that died is deleted first (the directory's lock makes this writer its only one).
     *
     * @param seq the first log seq to replay after this snapshot
     */
    static SnapshotWriter create(Path dir, long historyId, long seq, long createdMillis) throws IOException {
        Path finalPath = PersistFiles.snapshotPath(dir, seq);
        Path tempPath = PersistFiles.tempOf(finalPath);
        Files.deleteIfExists(tempPath);
        FileChannel channel = PersistFiles.createNew(tempPath);
        SnapshotWriter w = new SnapshotWriter(dir, finalPath, tempPath, channel);
        FileHeader.write(w.buf, SNAPSHOT_MAGIC, historyId, seq, createdMillis);
        w.used = HEADER_LENGTH;
        w.position = HEADER_LENGTH;
        return w;
    }

    /** Appends an entry: the key {@code key[0, keyLength)} with the value {@code value[valueOffset, +valueLength)}. */
    void add(byte[] key, int keyLength, byte[] value, int valueOffset, int valueLength) throws IOException {
        checkOpen();
        if (keyLength < 0 || keyLength > MAX_KEY_LENGTH || valueLength < 0 || valueLength > MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException(
                    "key length " + keyLength + " or value length " + valueLength + " out of bounds");
        }
        Objects.checkFromIndexSize(0, keyLength, key.length);
        Objects.checkFromIndexSize(valueOffset, valueLength, value.length);
        int end = ENTRY_HEADER_LENGTH + keyLength + valueLength;
        int length = align(end);
        if (BUFFER - used < ENTRY_HEADER_LENGTH + keyLength || (length <= BUFFER && BUFFER - used < length)) {
            flush();
        }
        int at = used;
        LittleEndian.putInt(buf, at + ENTRY_KEY_LENGTH_OFFSET, keyLength);
        LittleEndian.putInt(buf, at + ENTRY_VALUE_LENGTH_OFFSET, valueLength);
        LittleEndian.putInt(buf, at + ENTRY_RESERVED_OFFSET, 0);
        System.arraycopy(key, 0, buf, at + ENTRY_HEADER_LENGTH, keyLength);
        crc.reset();
        crc.update(buf, at + ENTRY_KEY_LENGTH_OFFSET, ENTRY_HEADER_LENGTH - ENTRY_KEY_LENGTH_OFFSET + keyLength);
        crc.update(value, valueOffset, valueLength);
        LittleEndian.putInt(buf, at + ENTRY_CRC_OFFSET, (int) crc.getValue());
        used += ENTRY_HEADER_LENGTH + keyLength;
        if (BUFFER - used >= length - ENTRY_HEADER_LENGTH - keyLength) {
            System.arraycopy(value, valueOffset, buf, used, valueLength);
            used += valueLength;
        } else {
            // A value longer than the buffer goes straight from the caller's array to the file.
            flush();
            writeFully(ByteBuffer.wrap(value, valueOffset, valueLength));
        }
        int padding = length - end;
        Arrays.fill(buf, used, used + padding, (byte) 0);
        used += padding;
        position += length;
        entries++;
    }

    /** Entries added so far. */
    long entries() {
        return entries;
    }

    /** Bytes of the file so far, header and added entries (buffered or written); the trailer once committed. */
    long bytesWritten() {
        return position;
    }

    /**
     * Completes the snapshot: writes the trailer, forces the file, closes it, renames it to its final name
     * atomically and forces the directory. After this, the snapshot survives a crash or a power loss.
     *
     * @return the final path
     */
    Path commit() throws IOException {
        checkOpen();
        if (BUFFER - used < TRAILER_LENGTH) {
            flush();
        }
        int at = used;
        LittleEndian.putInt(buf, at + TRAILER_MARKER_OFFSET, TRAILER_MARKER);
        LittleEndian.putLong(buf, at + TRAILER_ENTRY_COUNT_OFFSET, entries);
        LittleEndian.putLong(buf, at + TRAILER_FILE_LENGTH_OFFSET, position + TRAILER_LENGTH);
        crc.reset();
        crc.update(buf, at + TRAILER_MARKER_OFFSET, TRAILER_LENGTH - TRAILER_MARKER_OFFSET);
        LittleEndian.putInt(buf, at + TRAILER_CRC_OFFSET, (int) crc.getValue());
        used += TRAILER_LENGTH;
        position += TRAILER_LENGTH;
        flush();
        channel.force(true);
        channel.close();
        closed = true;
        Files.move(tempPath, finalPath, StandardCopyOption.ATOMIC_MOVE);
        committed = true;
        PersistFiles.forceDirectory(dir);
        return finalPath;
    }

    /** Closes the file; if it was not committed, deletes the {@code .tmp}, leaving no partial snapshot. */
    @Override
    public void close() throws IOException {
        if (committed) {
            return;
        }
        try {
            if (!closed) {
                closed = true;
                channel.close();
            }
        } finally {
            Files.deleteIfExists(tempPath);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("snapshot writer for " + finalPath + " is closed");
        }
    }

    private void flush() throws IOException {
        writeFully(ByteBuffer.wrap(buf, 0, used));
        used = 0;
    }

    private void writeFully(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            channel.write(src);
        }
    }
}
