package io.concurrentkvs.core.internal.persist;

import static io.concurrentkvs.core.internal.persist.PersistLayout.*;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Reads a log file ({@link PersistLayout}): validates its header, then passes each valid record in order to
 * a {@link RecordVisitor} and stops at the first record that is not valid. Memory is bounded by the longest
 * record ({@link PersistLayout#MAX_RECORD_LENGTH}), never by the file. One scan runs on its caller's thread;
 * concurrent scans of one file are independent.
 *
 * <p>A record is valid when its type is SET or DEL, its reserved and padding bytes are zero, its lengths are
 * within bounds (a DEL has no value) and inside the file, and its crc holds for this log's seq and this
 * offset. The crc covers no padding, so a reader that did not check it could accept a record whose padding
 * was damaged; checking it costs nothing and keeps "valid" meaning "exactly as written".
 */
final class LogReader {
    /** The window starts at 1 MiB and grows only for a record longer than that. */
    private static final int WINDOW = 1 << 20;
    /** Chunk in which the bytes after the last valid record are checked for zeros. */
    private static final int ZERO_CHECK_CHUNK = 64 << 10;

    private final Path file;
    private final long seq;
    private final long fileLength;
    private final FileWindow window;
    private final CRC32C crc = new CRC32C();
    private byte[] key = new byte[256];
    private byte[] value = new byte[256];
    /** Why the record at the scan's position is not valid; set by {@link #validLength}. */
    private String problem;

    private LogReader(Path file, long seq, FileChannel channel, long fileLength) {
        this.file = file;
        this.seq = seq;
        this.fileLength = fileLength;
        this.window = new FileWindow(channel, fileLength, WINDOW, MAX_RECORD_LENGTH);
    }

    /**
     * Scans the log {@code file}, calling {@code visitor} for each valid record in file order.
     *
     * @throws PersistenceFormatException if the header is missing or invalid, or names another history or seq
     * @throws IOException if the file cannot be read
     */
    static LogScan scan(Path file, long expectedHistoryId, long expectedSeq, RecordVisitor visitor) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long length = channel.size();
            LogReader reader = new LogReader(file, expectedSeq, channel, length);
            reader.checkHeader(expectedHistoryId);
            return reader.records(visitor);
        }
    }

    private void checkHeader(long expectedHistoryId) throws IOException {
        if (!window.ensure(0, HEADER_LENGTH)) {
            throw new PersistenceFormatException(
                    file, 0, "file of " + fileLength + " bytes has no " + HEADER_LENGTH + "-byte header");
        }
        byte[] header = Arrays.copyOfRange(window.array(), window.index(0), window.index(0) + HEADER_LENGTH);
        FileHeader.validate(file, header, "log", LOG_MAGIC, expectedHistoryId, seq);
    }

    private LogScan records(RecordVisitor visitor) throws IOException {
        long pos = HEADER_LENGTH;
        long records = 0;
        while (pos < fileLength) {
            int length = validLength(pos);
            if (length < 0) {
                boolean zeros = onlyZerosFrom(pos);
                return new LogScan(
                        records,
                        pos,
                        fileLength,
                        zeros ? LogStop.CLEAN_END : LogStop.TORN,
                        zeros ? "only zero bytes from offset " + pos : problem + " at offset " + pos);
            }
            deliver(pos, visitor);
            pos += length;
            records++;
        }
        return new LogScan(records, pos, fileLength, LogStop.CLEAN_END, "end of file at offset " + pos);
    }

    /** The aligned length of the record at {@code pos} if it is valid (it is then in the window), else -1. */
    private int validLength(long pos) throws IOException {
        if (!window.ensure(pos, RECORD_HEADER_LENGTH)) {
            return invalid("partial record header");
        }
        byte[] b = window.array();
        int i = window.index(pos);
        int type = b[i + RECORD_TYPE_OFFSET] & 0xFF;
        if (type == TYPE_END) {
            return invalid("end marker (type 0)");
        }
        if (type != TYPE_SET && type != TYPE_DEL) {
            return invalid("unknown record type " + type);
        }
        if (b[i + RECORD_RESERVED_OFFSET] != 0
                || b[i + RECORD_RESERVED_OFFSET + 1] != 0
                || b[i + RECORD_RESERVED_OFFSET + 2] != 0) {
            return invalid("reserved record bytes not zero");
        }
        int keyLength = LittleEndian.getInt(b, i + RECORD_KEY_LENGTH_OFFSET);
        int valueLength = LittleEndian.getInt(b, i + RECORD_VALUE_LENGTH_OFFSET);
        if (keyLength < 0 || keyLength > MAX_KEY_LENGTH) {
            return invalid("key length " + Integer.toUnsignedString(keyLength) + " out of bounds");
        }
        if (valueLength < 0 || valueLength > MAX_VALUE_LENGTH || (type == TYPE_DEL && valueLength != 0)) {
            return invalid("value length " + Integer.toUnsignedString(valueLength) + " out of bounds for type " + type);
        }
        int end = RECORD_HEADER_LENGTH + keyLength + valueLength;
        int length = align(end);
        if (!window.ensure(pos, length)) {
            return invalid("record of " + length + " bytes runs past the end of the file");
        }
        b = window.array();
        i = window.index(pos);
        for (int p = i + end; p < i + length; p++) {
            if (b[p] != 0) {
                return invalid("padding not zero");
            }
        }
        int stored = LittleEndian.getInt(b, i + RECORD_CRC_OFFSET);
        if (stored != LogRecords.crc(crc, seq, pos, b, i, end)) {
            return invalid("crc mismatch");
        }
        return length;
    }

    private int invalid(String why) {
        problem = why;
        return -1;
    }

    /** Copies the valid record at {@code pos} (in the window) out and calls the visitor. */
    private void deliver(long pos, RecordVisitor visitor) {
        byte[] b = window.array();
        int i = window.index(pos);
        int keyLength = LittleEndian.getInt(b, i + RECORD_KEY_LENGTH_OFFSET);
        int valueLength = LittleEndian.getInt(b, i + RECORD_VALUE_LENGTH_OFFSET);
        if (key.length < keyLength) {
            key = new byte[Math.max(keyLength, Math.min(MAX_KEY_LENGTH, 2 * key.length))];
        }
        System.arraycopy(b, i + RECORD_HEADER_LENGTH, key, 0, keyLength);
        if (b[i + RECORD_TYPE_OFFSET] == TYPE_DEL) {
            visitor.del(key, keyLength);
            return;
        }
        if (value.length < valueLength) {
            value = new byte[Math.max(valueLength, Math.min(MAX_VALUE_LENGTH, 2 * value.length))];
        }
        System.arraycopy(b, i + RECORD_HEADER_LENGTH + keyLength, value, 0, valueLength);
        visitor.set(key, keyLength, value, valueLength);
    }

    /** True if every byte from {@code pos} to the end of the file is zero (unused, preallocated space). */
    private boolean onlyZerosFrom(long pos) throws IOException {
        for (long at = pos; at < fileLength; ) {
            int n = (int) Math.min(ZERO_CHECK_CHUNK, fileLength - at);
            if (!window.ensure(at, n)) {
                return false; // the file shrank under the scan: not a clean end
            }
            byte[] b = window.array();
            int i = window.index(at);
            for (int p = i; p < i + n; p++) {
                if (b[p] != 0) {
                    return false;
                }
            }
            at += n;
        }
        return true;
    }
}
