package io.concurrentkvs.core.internal.persist;

/**
 * Offsets and constants of the persistence directory's files, format {@value #MAJOR_VERSION}.{@value
 * #MINOR_VERSION}: the log, the snapshot and the manifest. docs/PROTOCOL.md ("The persistence directory")
 * draws them; {@code PersistLayoutTest} pins every value, so a change here is a format change and must bump the
 * version. All integers are little-endian.
 *
 * <pre>
 * file header (log and snapshot; the manifest shares 0..16 and 60..64), 64 bytes:
 *  0 magic (long)   8 version (int)   12 header length (int) = 64   16 historyId (long)
 * 24 seq (long)    32 created millis (long)   40..59 zero   60 header crc (int) = CRC32C of [0, 60)
 *
 * log record (8-aligned, from offset 64):
 *  0 crc (int)   4 type (byte)   5..7 zero   8 key length (int)   12 value length (int)   16 key, value, zero padding
 *  crc = CRC32C(seq as long, record file offset as long, record bytes [4, 16 + k + v))
 *
 * snapshot entry (8-aligned, from offset 64), then a 24-byte trailer:
 *  0 crc (int) = CRC32C of [4, 16 + k + v)   4 key length   8 value length   12 zero   16 key, value, padding
 *  trailer: 0 crc (int) = CRC32C of trailer [4, 24)   4 marker = -1   8 entry count (long)   16 file length (long)
 *
 * manifest, 64 bytes:
 *  0 magic  8 version  12 length = 64  16 historyId  24 snapshot seq (0 = none)  32 first log seq
 * 40 written millis  48..59 zero  60 crc = CRC32C of [0, 60)
 * </pre>
 *
 * <p>Stateless constants.
 */
final class PersistLayout {
    private PersistLayout() {}

    public static final int MAJOR_VERSION = 1;
    public static final int MINOR_VERSION = 0;
    /** {@code major << 16 | minor}, in every file's version field. */
    public static final int VERSION = (MAJOR_VERSION << 16) | MINOR_VERSION;

    /** "KVSLOG\0\1" read as a little-endian long. */
    public static final long LOG_MAGIC = 0x0100_474F_4C53_564BL;
    /** "KVSSNP\0\1" read as a little-endian long. */
    public static final long SNAPSHOT_MAGIC = 0x0100_504E_5353_564BL;
    /** "KVSMAN\0\1" read as a little-endian long. */
    public static final long MANIFEST_MAGIC = 0x0100_4E41_4D53_564BL;

    /** Records and snapshot entries start at multiples of this, and are zero-padded to the next one. */
    public static final int ALIGNMENT = 8;

    // File header (log and snapshot).
    /** Length of the log's and the snapshot's header; records and entries start here. */
    public static final int HEADER_LENGTH = 64;
    /** The file's magic (long). */
    public static final int MAGIC_OFFSET = 0;
    /** {@link #VERSION} (int); a reader accepts any minor of its major. */
    public static final int VERSION_OFFSET = 8;
    /** {@link #HEADER_LENGTH} (int). */
    public static final int HEADER_LENGTH_OFFSET = 12;
    /** The directory's history id (long, non-zero): a file of another history is not ours. */
    public static final int HISTORY_ID_OFFSET = 16;
    /** The file's sequence number (long), the one in its name. */
    public static final int SEQ_OFFSET = 24;
    /** Wall-clock epoch millis of the file's creation (long), informational. */
    public static final int CREATED_MILLIS_OFFSET = 32;
    /** First of the reserved bytes, zero up to {@link #HEADER_CRC_OFFSET}. */
    public static final int HEADER_RESERVED_OFFSET = 40;
    /** CRC32C of header bytes [0, 60) (int). */
    public static final int HEADER_CRC_OFFSET = 60;

    // Log record.
    /** CRC32C over seq, file offset and record bytes [4, 16 + k + v) (int). */
    public static final int RECORD_CRC_OFFSET = 0;
    /** Record type (byte): one of the {@code TYPE_} values. */
    public static final int RECORD_TYPE_OFFSET = 4;
    /** Three reserved bytes, zero. */
    public static final int RECORD_RESERVED_OFFSET = 5;
    /** Key length (int). */
    public static final int RECORD_KEY_LENGTH_OFFSET = 8;
    /** Value length (int), 0 for DEL. */
    public static final int RECORD_VALUE_LENGTH_OFFSET = 12;
    /** Length of a record's fixed part; the key starts here, then the value. */
    public static final int RECORD_HEADER_LENGTH = 16;
    /** Not a record: unused (preallocated, zeroed) space; the log ends here. */
    public static final int TYPE_END = 0;
    /** Set the key to the value. */
    public static final int TYPE_SET = 1;
    /** Delete the key. */
    public static final int TYPE_DEL = 2;
    /** Reserved for SET with an expiry; format 1.0 readers treat it as unknown (the log stops there). */
    public static final int TYPE_SET_EXPIRING = 3;

    /** Longest key a record or entry may hold. */
    public static final int MAX_KEY_LENGTH = 65_536;
    /** Longest value a record or entry may hold (16 MiB). */
    public static final int MAX_VALUE_LENGTH = 16 << 20;
    /** Longest record or entry, aligned: what a reader's window must be able to hold. */
    public static final int MAX_RECORD_LENGTH = align(RECORD_HEADER_LENGTH + MAX_KEY_LENGTH + MAX_VALUE_LENGTH);

    // Snapshot entry.
    /** CRC32C over entry bytes [4, 16 + k + v) (int). */
    public static final int ENTRY_CRC_OFFSET = 0;
    /** Key length (int). */
    public static final int ENTRY_KEY_LENGTH_OFFSET = 4;
    /** Value length (int). */
    public static final int ENTRY_VALUE_LENGTH_OFFSET = 8;
    /** Reserved (int), zero. */
    public static final int ENTRY_RESERVED_OFFSET = 12;
    /** Length of an entry's fixed part; the key starts here, then the value. */
    public static final int ENTRY_HEADER_LENGTH = 16;

    // Snapshot trailer, the file's last bytes.
    /** Length of the snapshot trailer. */
    public static final int TRAILER_LENGTH = 24;
    /** CRC32C over trailer bytes [4, 24) (int). */
    public static final int TRAILER_CRC_OFFSET = 0;
    /** {@link #TRAILER_MARKER} (int). */
    public static final int TRAILER_MARKER_OFFSET = 4;
    /** The trailer's marker: no entry has a key length of 2^32 - 1, so it cannot be read as an entry. */
    public static final int TRAILER_MARKER = 0xFFFF_FFFF;
    /** Number of entries (long). */
    public static final int TRAILER_ENTRY_COUNT_OFFSET = 8;
    /** The whole file's length, trailer included (long). */
    public static final int TRAILER_FILE_LENGTH_OFFSET = 16;

    // Manifest: magic, version and length at the file header's offsets, crc at 60.
    /** Length of the manifest file. */
    public static final int MANIFEST_LENGTH = 64;
    /** The directory's history id (long, non-zero). */
    public static final int MANIFEST_HISTORY_ID_OFFSET = 16;
    /** Seq of the snapshot to load (long); 0: none. */
    public static final int MANIFEST_SNAPSHOT_SEQ_OFFSET = 24;
    /** Seq of the first log to replay (long); logs firstLogSeq, +1, ... are replayed while they exist. */
    public static final int MANIFEST_FIRST_LOG_SEQ_OFFSET = 32;
    /** Wall-clock epoch millis of the manifest's writing (long), informational. */
    public static final int MANIFEST_WRITTEN_MILLIS_OFFSET = 40;
    /** First of the manifest's reserved bytes, zero up to its crc. */
    public static final int MANIFEST_RESERVED_OFFSET = 48;
    /** CRC32C of manifest bytes [0, 60) (int). */
    public static final int MANIFEST_CRC_OFFSET = 60;

    /** {@code n} rounded up to the next multiple of {@link #ALIGNMENT}. */
    static int align(int n) {
        return (n + ALIGNMENT - 1) & -ALIGNMENT;
    }
}
