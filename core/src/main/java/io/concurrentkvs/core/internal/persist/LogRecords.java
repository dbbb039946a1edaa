package io.concurrentkvs.core.internal.persist;

import static io.concurrentkvs.core.internal.persist.PersistLayout.*;

import java.util.Arrays;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Encodes log headers and records ({@link PersistLayout}) into a caller's buffer. Stateless; the caller's
 * buffer and {@link CRC32C} belong to the calling thread.
 *
 * <p>A record's crc covers the log's seq and the record's own file offset besides its bytes, so a record
 * copied from another log, or from elsewhere in this one (a stale block the file system kept), never
 * verifies where it is found.
 */
final class LogRecords {
    private LogRecords() {}

    /** The aligned length of a SET record. */
    static int setLength(int keyLength, int valueLength) {
        checkLengths(keyLength, valueLength);
        return align(RECORD_HEADER_LENGTH + keyLength + valueLength);
    }

    /** The aligned length of a DEL record. */
    static int delLength(int keyLength) {
        checkLengths(keyLength, 0);
        return align(RECORD_HEADER_LENGTH + keyLength);
    }

    /**
     * Writes a SET record at {@code buf[at]}, to be stored at {@code fileOffset} of the log {@code seq}.
     *
     * @return the bytes written, {@link #setLength}, padding zeros included
     * @throws IllegalArgumentException if a length is out of bounds or {@code fileOffset} is not an aligned
     *     offset after the header
     */
    static int writeSet(
            byte[] buf,
            int at,
            long seq,
            long fileOffset,
            byte[] key,
            int keyLength,
            byte[] value,
            int valueOffset,
            int valueLength,
            CRC32C crc) {
        int length = setLength(keyLength, valueLength);
        Objects.checkFromIndexSize(valueOffset, valueLength, value.length);
        return write(buf, at, seq, fileOffset, TYPE_SET, key, keyLength, value, valueOffset, valueLength, length, crc);
    }

    /** Writes a DEL record at {@code buf[at]}, like {@link #writeSet}; returns {@link #delLength}. */
    static int writeDel(byte[] buf, int at, long seq, long fileOffset, byte[] key, int keyLength, CRC32C crc) {
        int length = delLength(keyLength);
        return write(buf, at, seq, fileOffset, TYPE_DEL, key, keyLength, key, 0, 0, length, crc);
    }

    /** Writes a complete log header, crc included, into {@code buf[0, 64)}. */
    static void writeHeader(byte[] buf, long historyId, long seq, long createdMillis) {
        FileHeader.write(buf, LOG_MAGIC, historyId, seq, createdMillis);
    }

    private static int write(
            byte[] buf,
            int at,
            long seq,
            long fileOffset,
            int type,
            byte[] key,
            int keyLength,
            byte[] value,
            int valueOffset,
            int valueLength,
            int length,
            CRC32C crc) {
        if (fileOffset < HEADER_LENGTH || (fileOffset & (ALIGNMENT - 1)) != 0) {
            throw new IllegalArgumentException("record offset " + fileOffset + " is not aligned after the header");
        }
        Objects.checkFromIndexSize(0, keyLength, key.length);
        Objects.checkFromIndexSize(at, length, buf.length);
        LittleEndian.putInt(buf, at, 0); // crc's place: every byte is written, so no stale byte stays
        buf[at + RECORD_TYPE_OFFSET] = (byte) type;
        buf[at + RECORD_RESERVED_OFFSET] = 0;
        buf[at + RECORD_RESERVED_OFFSET + 1] = 0;
        buf[at + RECORD_RESERVED_OFFSET + 2] = 0;
        LittleEndian.putInt(buf, at + RECORD_KEY_LENGTH_OFFSET, keyLength);
        LittleEndian.putInt(buf, at + RECORD_VALUE_LENGTH_OFFSET, valueLength);
        System.arraycopy(key, 0, buf, at + RECORD_HEADER_LENGTH, keyLength);
        System.arraycopy(value, valueOffset, buf, at + RECORD_HEADER_LENGTH + keyLength, valueLength);
        int end = RECORD_HEADER_LENGTH + keyLength + valueLength;
        Arrays.fill(buf, at + end, at + length, (byte) 0);
        LittleEndian.putInt(buf, at + RECORD_CRC_OFFSET, crc(crc, seq, fileOffset, buf, at, end));
        return length;
    }

    /**
     * The crc of a record whose bytes {@code [0, end)} are at {@code buf[at]}: CRC32C of the seq and the file
     * offset (little-endian longs) then of record bytes {@code [4, end)}.
     */
    static int crc(CRC32C crc, long seq, long fileOffset, byte[] buf, int at, int end) {
        crc.reset();
        updateLong(crc, seq);
        updateLong(crc, fileOffset);
        crc.update(buf, at + RECORD_TYPE_OFFSET, end - RECORD_TYPE_OFFSET);
        return (int) crc.getValue();
    }

    /** Feeds a long's 8 little-endian bytes one by one: no scratch array on the writer's hot path. */
    private static void updateLong(CRC32C crc, long v) {
        for (int i = 0; i < Long.BYTES; i++) {
            crc.update((int) (v >>> (8 * i)));
        }
    }

    private static void checkLengths(int keyLength, int valueLength) {
        if (keyLength < 0 || keyLength > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("key length " + keyLength + " not in [0, " + MAX_KEY_LENGTH + "]");
        }
        if (valueLength < 0 || valueLength > MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException("value length " + valueLength + " not in [0, " + MAX_VALUE_LENGTH + "]");
        }
    }
}
