package io.concurrentkvs.core.internal.store;

import static io.concurrentkvs.core.internal.store.StoreLayout.*;

import io.concurrentkvs.core.internal.memory.Memory;

/**
 * Writes and validates the store file's header ({@link StoreLayout}). Stateless.
 */
final class StoreHeader {
    private StoreHeader() {}

    /** What a valid header holds. */
    static final class Contents {
        final StoreGeometry geometry;
        final long seed;

        Contents(StoreGeometry geometry, long seed) {
            this.geometry = geometry;
            this.seed = seed;
        }
    }

    /** Writes every field but the version, which {@link #publish} writes last. */
    static void write(Memory meta, StoreGeometry g, long seed, long createdMillis, long ownerPid) {
        meta.putLong(MAGIC_OFFSET, MAGIC);
        meta.putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH);
        meta.putLong(FILE_LENGTH_OFFSET, g.fileLength());
        meta.putInt(STRIPES_OFFSET, g.stripes());
        meta.putInt(SLOTS_PER_SEGMENT_OFFSET, g.slotsPerSegment());
        meta.putInt(PAGE_SIZE_OFFSET, g.pageSize());
        meta.putInt(PAGE_COUNT_OFFSET, g.pageCount());
        meta.putLong(MAX_ENTRIES_OFFSET, g.maxEntries());
        meta.putInt(MAX_RECORD_LENGTH_OFFSET, g.maxRecordLength());
        meta.putInt(SIZE_CLASS_COUNT_OFFSET, g.sizeClassCount());
        meta.putLong(SEGMENTS_OFFSET_OFFSET, g.segmentsOffset());
        meta.putLong(INDEX_OFFSET_OFFSET, g.indexOffset());
        meta.putLong(PAGE_MAP_OFFSET_OFFSET, g.pageMapOffset());
        meta.putLong(DATA_OFFSET_OFFSET, g.dataOffset());
        meta.putLong(HASH_SEED_OFFSET, seed);
        meta.putLong(CREATED_MILLIS_OFFSET, createdMillis);
        meta.putLong(OWNER_PID_OFFSET, ownerPid);
        for (int c = 0; c < g.sizeClassCount(); c++) {
            meta.putInt(SIZE_CLASSES_OFFSET + 4L * c, g.blockSize(c));
        }
    }

    static void publish(Memory meta) {
        meta.putIntRelease(VERSION_OFFSET, LAYOUT_VERSION);
    }

    /** The version word: 0 if the file was never completed. */
    static int version(Memory meta) {
        return meta.getIntAcquire(VERSION_OFFSET);
    }

    /**
     * Validates a complete header against the file's length.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static Contents read(Memory meta, long fileLength) {
        long magic = meta.getLong(MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw new IllegalArgumentException(
                    String.format("magic is 0x%016x, not a Concurrent-KVS store file", magic));
        }
        int version = version(meta);
        if (version >>> 16 != MAJOR_VERSION) {
            throw new IllegalArgumentException("store layout version " + (version >>> 16) + "." + (version & 0xFFFF)
                    + " is not supported; this server reads " + MAJOR_VERSION + ".x");
        }
        requireEqual("header length", meta.getInt(HEADER_LENGTH_OFFSET), HEADER_LENGTH);
        int pageSize = meta.getInt(PAGE_SIZE_OFFSET);
        int pageCount = meta.getInt(PAGE_COUNT_OFFSET);
        if (pageSize <= 0 || pageCount <= 0) {
            throw new IllegalArgumentException("page size " + pageSize + " or page count " + pageCount + " is invalid");
        }
        StoreGeometry g = new StoreGeometry(
                meta.getInt(STRIPES_OFFSET),
                meta.getLong(MAX_ENTRIES_OFFSET),
                (long) pageSize * pageCount,
                meta.getInt(MAX_RECORD_LENGTH_OFFSET));
        requireEqual("page size", pageSize, g.pageSize());
        requireEqual("page count", pageCount, g.pageCount());
        requireEqual("slots per segment", meta.getInt(SLOTS_PER_SEGMENT_OFFSET), g.slotsPerSegment());
        requireEqual("size classes", meta.getInt(SIZE_CLASS_COUNT_OFFSET), g.sizeClassCount());
        requireEqual("segments offset", meta.getLong(SEGMENTS_OFFSET_OFFSET), g.segmentsOffset());
        requireEqual("index offset", meta.getLong(INDEX_OFFSET_OFFSET), g.indexOffset());
        requireEqual("page map offset", meta.getLong(PAGE_MAP_OFFSET_OFFSET), g.pageMapOffset());
        requireEqual("data offset", meta.getLong(DATA_OFFSET_OFFSET), g.dataOffset());
        requireEqual("file length", meta.getLong(FILE_LENGTH_OFFSET), g.fileLength());
        for (int c = 0; c < g.sizeClassCount(); c++) {
            requireEqual("size class " + c, meta.getInt(SIZE_CLASSES_OFFSET + 4L * c), g.blockSize(c));
        }
        if (fileLength < g.fileLength()) {
            throw new IllegalArgumentException(
                    "the header describes " + g.fileLength() + " bytes but the file has only " + fileLength);
        }
        return new Contents(g, meta.getLong(HASH_SEED_OFFSET));
    }

    private static void requireEqual(String what, long actual, long expected) {
        if (actual != expected) {
            throw new IllegalArgumentException(what + " is " + actual + ", the settings require " + expected);
        }
    }
}
