package io.concurrentkvs.core.internal.store;

/**
 * Offsets and encodings of the store file ({@code <region>.store}), layout version {@value #MAJOR_VERSION}.{@value
 * #MINOR_VERSION}. docs/PROTOCOL.md ("The store file") draws them; {@code StoreLayoutTest} pins every value, so a
 * change here is a layout change and must bump the version.
 *
 * <pre>
 * 0                  header, {@value #HEADER_LENGTH} bytes
 * segmentsOffset     stripes segment headers of {@value #SEGMENT_HEADER_LENGTH} bytes
 * indexOffset        stripes x slotsPerSegment index words of 8 bytes
 * pageMapOffset      pageCount page words of 4 bytes
 * dataOffset         pageCount pages of pageSize bytes (4096-aligned)
 * fileLength
 * </pre>
 *
 * <p>Stateless constants.
 */
public final class StoreLayout {
    private StoreLayout() {}

    /** "KVSSTORE" read as a little-endian long. */
    public static final long MAGIC = 0x45524f545353564bL;

    public static final int MAJOR_VERSION = 1;
    public static final int MINOR_VERSION = 1;
    public static final int LAYOUT_VERSION = (MAJOR_VERSION << 16) | MINOR_VERSION;

    // Header.
    public static final int HEADER_LENGTH = 512;
    public static final int MAGIC_OFFSET = 0;
    /** Written last, with release semantics, when the file is complete; 0 while it is being created. */
    public static final int VERSION_OFFSET = 8;

    public static final int HEADER_LENGTH_OFFSET = 12;
    public static final int FILE_LENGTH_OFFSET = 16;
    public static final int STRIPES_OFFSET = 24;
    public static final int SLOTS_PER_SEGMENT_OFFSET = 28;
    public static final int PAGE_SIZE_OFFSET = 32;
    public static final int PAGE_COUNT_OFFSET = 36;
    public static final int MAX_ENTRIES_OFFSET = 40;
    public static final int MAX_RECORD_LENGTH_OFFSET = 48;
    public static final int SIZE_CLASS_COUNT_OFFSET = 52;
    public static final int SEGMENTS_OFFSET_OFFSET = 56;
    public static final int INDEX_OFFSET_OFFSET = 64;
    public static final int PAGE_MAP_OFFSET_OFFSET = 72;
    public static final int DATA_OFFSET_OFFSET = 80;
    public static final int HASH_SEED_OFFSET = 88;
    public static final int CREATED_MILLIS_OFFSET = 96;
    /** Pid of the server process that holds (or last held) the file (informational). */
    public static final int OWNER_PID_OFFSET = 104;
    /**
     * Which persistence history the entries belong to (layout 1.1; a 1.0 file has 0 here): 0 if the store
     * was never persisted, {@link #HISTORY_RECOVERING} while a server replays a persistence directory into it
     * (a store left so is incomplete), otherwise the history id of the directory whose log the store's writes
     * go to.
     */
    public static final int PERSISTED_HISTORY_OFFSET = 112;
    /** {@link #PERSISTED_HISTORY_OFFSET}'s value while a recovery fills the store. */
    public static final long HISTORY_RECOVERING = -1;
    /** {@value #MAX_SIZE_CLASSES} ints: the block size of each size class, ascending; unused ones 0. */
    public static final int SIZE_CLASSES_OFFSET = 128;

    public static final int MAX_SIZE_CLASSES = 64;

    // Segment header.
    public static final int SEGMENT_HEADER_LENGTH = 64;
    /**
     * The segment's lock and sequence: even when no writer is inside, odd while one is. A writer CASes it
     * from even to odd and stores the next even value when done; a reader retries if it saw it odd or
     * changed.
     */
    public static final int SEGMENT_SEQUENCE_OFFSET = 0;

    public static final int SEGMENT_ENTRIES_OFFSET = 8;
    /** Sum over live records of {@code RECORD_HEADER_LENGTH + keyLength + valueLength}. */
    public static final int SEGMENT_LIVE_BYTES_OFFSET = 16;
    /** Sum over live records of their block sizes. */
    public static final int SEGMENT_BLOCK_BYTES_OFFSET = 24;

    // Index word: 0 = empty, otherwise tag << 36 | (record file offset / 8); the tag is the key hash's top
    // 28 bits, and it alone places the entry: home slot = tag * slotsPerSegment >>> 28.
    public static final int INDEX_WORD_LENGTH = 8;
    public static final int TAG_SHIFT = 36;
    public static final int TAG_BITS = 64 - TAG_SHIFT;
    public static final long UNIT_MASK = (1L << TAG_SHIFT) - 1;
    public static final int RECORD_ALIGNMENT = 8;

    // Page word: 0 = free, otherwise owner segment << 8 | (size class + 1).
    public static final int PAGE_WORD_LENGTH = 4;
    public static final int PAGE_OWNER_SHIFT = 8;
    public static final int PAGE_CLASS_MASK = 0xFF;

    // Record, at the start of its block.
    /** {@link Hashing#checksum} of the record's other fields, its key and its value. */
    public static final int RECORD_CHECKSUM_OFFSET = 0;

    public static final int RECORD_KEY_LENGTH_OFFSET = 4;
    public static final int RECORD_VALUE_LENGTH_OFFSET = 8;
    /** Reserved for flags; 0. */
    public static final int RECORD_FLAGS_OFFSET = 12;
    /** Wall-clock milliseconds after which the entry is absent, or 0: never (reserved for expiry). */
    public static final int RECORD_EXPIRES_OFFSET = 16;

    public static final int RECORD_HEADER_LENGTH = 24;

    public static final int FILE_ALIGNMENT = 4096;

    public static int recordLength(int keyLength, int valueLength) {
        return RECORD_HEADER_LENGTH + keyLength + valueLength;
    }

    public static long indexWord(int tag, long recordFileOffset) {
        return ((long) tag << TAG_SHIFT) | (recordFileOffset / RECORD_ALIGNMENT);
    }

    public static long recordOffset(long indexWord) {
        return (indexWord & UNIT_MASK) * RECORD_ALIGNMENT;
    }

    public static int tag(long indexWord) {
        return (int) (indexWord >>> TAG_SHIFT);
    }

    public static int pageWord(int segment, int sizeClass) {
        return (segment << PAGE_OWNER_SHIFT) | (sizeClass + 1);
    }

    static long align(long value, long alignment) {
        return (value + alignment - 1) / alignment * alignment;
    }
}
