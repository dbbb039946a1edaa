package io.concurrentkvs.core.internal.persist;

import static io.concurrentkvs.core.internal.persist.PersistLayout.*;

import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Writes and validates the 64-byte header that the log and the snapshot share ({@link PersistLayout}); they
 * differ only in their magic. Stateless.
 */
final class FileHeader {
    private FileHeader() {}

    /** Writes a complete header, crc included, into {@code buf[0, 64)}. */
    static void write(byte[] buf, long magic, long historyId, long seq, long createdMillis) {
        if (historyId == 0) {
            throw new IllegalArgumentException("historyId must be non-zero");
        }
        java.util.Arrays.fill(buf, 0, HEADER_LENGTH, (byte) 0);
        LittleEndian.putLong(buf, MAGIC_OFFSET, magic);
        LittleEndian.putInt(buf, VERSION_OFFSET, VERSION);
        LittleEndian.putInt(buf, HEADER_LENGTH_OFFSET, HEADER_LENGTH);
        LittleEndian.putLong(buf, HISTORY_ID_OFFSET, historyId);
        LittleEndian.putLong(buf, SEQ_OFFSET, seq);
        LittleEndian.putLong(buf, CREATED_MILLIS_OFFSET, createdMillis);
        LittleEndian.putInt(buf, HEADER_CRC_OFFSET, crcOf(buf, HEADER_CRC_OFFSET));
    }

    /**
     * Validates a header read into {@code buf[0, 64)}. The fields are checked in file order before the crc, so
     * the exception names the field that is wrong; a damaged field the checks cannot see (the creation time)
     * fails the crc.
     *
     * @throws PersistenceFormatException naming {@code file} and the offset of the first wrong field
     */
    static void validate(Path file, byte[] buf, String kind, long magic, long expectedHistoryId, long expectedSeq) {
        long m = LittleEndian.getLong(buf, MAGIC_OFFSET);
        if (m != magic) {
            throw new PersistenceFormatException(
                    file, MAGIC_OFFSET, "not a " + kind + " file (magic 0x" + Long.toHexString(m) + ")");
        }
        checkVersionAndLength(file, buf, HEADER_LENGTH);
        long historyId = LittleEndian.getLong(buf, HISTORY_ID_OFFSET);
        if (historyId == 0 || historyId != expectedHistoryId) {
            throw new PersistenceFormatException(
                    file,
                    HISTORY_ID_OFFSET,
                    "history id " + Long.toHexString(historyId) + ", expected " + Long.toHexString(expectedHistoryId));
        }
        long seq = LittleEndian.getLong(buf, SEQ_OFFSET);
        if (seq != expectedSeq) {
            throw new PersistenceFormatException(file, SEQ_OFFSET, "seq " + seq + ", expected " + expectedSeq);
        }
        checkZero(file, buf, HEADER_RESERVED_OFFSET, HEADER_CRC_OFFSET);
        checkCrc(file, buf, HEADER_CRC_OFFSET);
    }

    /** Checks the version (major {@value PersistLayout#MAJOR_VERSION}) and the length field. */
    static void checkVersionAndLength(Path file, byte[] buf, int expectedLength) {
        int version = LittleEndian.getInt(buf, VERSION_OFFSET);
        if (version >>> 16 != MAJOR_VERSION) {
            throw new PersistenceFormatException(
                    file,
                    VERSION_OFFSET,
                    "format version " + (version >>> 16) + "." + (version & 0xFFFF) + ", this reader reads "
                            + MAJOR_VERSION + ".x");
        }
        int length = LittleEndian.getInt(buf, HEADER_LENGTH_OFFSET);
        if (length != expectedLength) {
            throw new PersistenceFormatException(
                    file,
                    HEADER_LENGTH_OFFSET,
                    "header length " + Integer.toUnsignedString(length) + ", expected " + expectedLength);
        }
    }

    /** Checks that {@code buf[from, to)} is zero; names the first non-zero byte. */
    static void checkZero(Path file, byte[] buf, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] != 0) {
                throw new PersistenceFormatException(file, i, "reserved byte is not zero");
            }
        }
    }

    /** Checks the crc stored at {@code crcOffset} against CRC32C of {@code buf[0, crcOffset)}. */
    static void checkCrc(Path file, byte[] buf, int crcOffset) {
        int stored = LittleEndian.getInt(buf, crcOffset);
        int actual = crcOf(buf, crcOffset);
        if (stored != actual) {
            throw new PersistenceFormatException(
                    file,
                    crcOffset,
                    "header crc 0x" + Integer.toHexString(stored) + ", computed 0x" + Integer.toHexString(actual));
        }
    }

    static int crcOf(byte[] buf, int length) {
        CRC32C crc = new CRC32C();
        crc.update(buf, 0, length);
        return (int) crc.getValue();
    }
}
