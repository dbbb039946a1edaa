package io.concurrentkvs.core.internal.persist;

import static io.concurrentkvs.core.internal.persist.PersistLayout.*;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Reads a snapshot file ({@link PersistLayout}) and streams its entries, in file order, to a
 * {@link RecordVisitor#set}; memory is bounded by the longest entry, never by the file. A snapshot is all or
 * nothing: unlike a log it has no tail to drop, so any problem is a {@link PersistenceFormatException}, and a
 * caller that loads into a blank store discards it. The trailer is checked first (it is the last thing a
 * writer writes, so a snapshot cut short fails before any entry is delivered), and the entries, the count and
 * the length are checked against it as they stream. Runs on its caller's thread.
 */
final class SnapshotReader {
    private static final int WINDOW = 1 << 20;

    private SnapshotReader() {}

    /**
     * Reads the snapshot {@code file}, calling {@code visitor.set} for each entry in order (a key may occur
     * more than once: a later entry wins).
     *
     * @return the number of entries
     * @throws PersistenceFormatException on any problem, naming the offset
     * @throws IOException if the file cannot be read
     */
    static long read(Path file, long expectedHistoryId, long expectedSeq, RecordVisitor visitor) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            FileWindow window = new FileWindow(channel, size, WINDOW, MAX_RECORD_LENGTH);
            if (size < HEADER_LENGTH + TRAILER_LENGTH || !window.ensure(0, HEADER_LENGTH)) {
                throw new PersistenceFormatException(
                        file, 0, "file of " + size + " bytes is shorter than a header" + " and a trailer");
            }
            byte[] header = Arrays.copyOfRange(window.array(), window.index(0), window.index(0) + HEADER_LENGTH);
            FileHeader.validate(file, header, "snapshot", SNAPSHOT_MAGIC, expectedHistoryId, expectedSeq);
            long trailerAt = size - TRAILER_LENGTH;
            long expectedEntries = checkTrailer(file, window, trailerAt, size);
            long entries = entries(file, window, trailerAt, expectedEntries, visitor);
            if (entries != expectedEntries) {
                throw new PersistenceFormatException(
                        file,
                        trailerAt + TRAILER_ENTRY_COUNT_OFFSET,
                        "trailer counts " + expectedEntries + " entries, the file holds " + entries);
            }
            return entries;
        }
    }

    private static long checkTrailer(Path file, FileWindow window, long at, long size) throws IOException {
        if ((at & (ALIGNMENT - 1)) != 0) {
            throw new PersistenceFormatException(
                    file, at, "trailer is not 8-aligned: the file is cut or has trailing bytes");
        }
        if (!window.ensure(at, TRAILER_LENGTH)) {
            throw new PersistenceFormatException(file, at, "trailer unreadable: the file shrank");
        }
        byte[] b = window.array();
        int i = window.index(at);
        CRC32C crc = new CRC32C();
        crc.update(b, i + TRAILER_MARKER_OFFSET, TRAILER_LENGTH - TRAILER_MARKER_OFFSET);
        if (LittleEndian.getInt(b, i + TRAILER_CRC_OFFSET) != (int) crc.getValue()) {
            throw new PersistenceFormatException(
                    file,
                    at + TRAILER_CRC_OFFSET,
                    "trailer crc mismatch (no trailer:" + " the file is cut or has trailing bytes)");
        }
        if (LittleEndian.getInt(b, i + TRAILER_MARKER_OFFSET) != TRAILER_MARKER) {
            throw new PersistenceFormatException(file, at + TRAILER_MARKER_OFFSET, "trailer marker missing");
        }
        long length = LittleEndian.getLong(b, i + TRAILER_FILE_LENGTH_OFFSET);
        if (length != size) {
            throw new PersistenceFormatException(
                    file, at + TRAILER_FILE_LENGTH_OFFSET, "trailer says " + length + " bytes, the file has " + size);
        }
        long count = LittleEndian.getLong(b, i + TRAILER_ENTRY_COUNT_OFFSET);
        if (count < 0 || count > (size - HEADER_LENGTH - TRAILER_LENGTH) / ENTRY_HEADER_LENGTH) {
            throw new PersistenceFormatException(
                    file,
                    at + TRAILER_ENTRY_COUNT_OFFSET,
                    "entry count " + count + " impossible for " + size + " bytes");
        }
        return count;
    }

    private static long entries(
            Path file, FileWindow window, long trailerAt, long expectedEntries, RecordVisitor visitor)
            throws IOException {
        CRC32C crc = new CRC32C();
        byte[] key = new byte[256];
        byte[] value = new byte[256];
        long pos = HEADER_LENGTH;
        long entries = 0;
        while (pos < trailerAt) {
            if (entries == expectedEntries) {
                throw new PersistenceFormatException(
                        file, pos, "bytes after the trailer's " + expectedEntries + " entries");
            }
            if (trailerAt - pos < ENTRY_HEADER_LENGTH || !window.ensure(pos, ENTRY_HEADER_LENGTH)) {
                throw new PersistenceFormatException(file, pos, "partial entry header before the trailer");
            }
            byte[] b = window.array();
            int i = window.index(pos);
            int keyLength = LittleEndian.getInt(b, i + ENTRY_KEY_LENGTH_OFFSET);
            int valueLength = LittleEndian.getInt(b, i + ENTRY_VALUE_LENGTH_OFFSET);
            if (keyLength < 0 || keyLength > MAX_KEY_LENGTH) {
                throw new PersistenceFormatException(
                        file,
                        pos + ENTRY_KEY_LENGTH_OFFSET,
                        "key length " + Integer.toUnsignedString(keyLength) + " out of bounds");
            }
            if (valueLength < 0 || valueLength > MAX_VALUE_LENGTH) {
                throw new PersistenceFormatException(
                        file,
                        pos + ENTRY_VALUE_LENGTH_OFFSET,
                        "value length " + Integer.toUnsignedString(valueLength) + " out of bounds");
            }
            if (LittleEndian.getInt(b, i + ENTRY_RESERVED_OFFSET) != 0) {
                throw new PersistenceFormatException(file, pos + ENTRY_RESERVED_OFFSET, "reserved field not zero");
            }
            int end = ENTRY_HEADER_LENGTH + keyLength + valueLength;
            int length = align(end);
            if (length > trailerAt - pos || !window.ensure(pos, length)) {
                throw new PersistenceFormatException(file, pos, "entry of " + length + " bytes runs into the trailer");
            }
            b = window.array();
            i = window.index(pos);
            for (int p = end; p < length; p++) {
                if (b[i + p] != 0) {
                    throw new PersistenceFormatException(file, pos + p, "padding not zero");
                }
            }
            crc.reset();
            crc.update(b, i + ENTRY_KEY_LENGTH_OFFSET, end - ENTRY_KEY_LENGTH_OFFSET);
            if (LittleEndian.getInt(b, i + ENTRY_CRC_OFFSET) != (int) crc.getValue()) {
                throw new PersistenceFormatException(file, pos + ENTRY_CRC_OFFSET, "entry crc mismatch");
            }
            if (key.length < keyLength) {
                key = new byte[keyLength];
            }
            if (value.length < valueLength) {
                value = new byte[Math.max(valueLength, Math.min(MAX_VALUE_LENGTH, 2 * value.length))];
            }
            System.arraycopy(b, i + ENTRY_HEADER_LENGTH, key, 0, keyLength);
            System.arraycopy(b, i + ENTRY_HEADER_LENGTH + keyLength, value, 0, valueLength);
            visitor.set(key, keyLength, value, valueLength);
            pos += length;
            entries++;
        }
        return entries;
    }
}
