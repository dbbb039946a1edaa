package io.concurrentkvs.core.internal.store;

import static io.concurrentkvs.core.internal.store.StoreLayout.*;

import java.util.Arrays;

/**
 * The sizes and offsets of a store file, derived from four settings: segments ({@code stripes}), the
 * entry limit, the data limit and the largest record. A reader recomputes them from the header's settings
 * and rejects a file whose stored offsets disagree. Immutable.
 *
 * <p>Index: each segment has {@code ceil(1.5 * maxEntries / stripes)} slots (at least 16), so a full store
 * loads its index to about two thirds and probing stays short. Data: pages of {@code pageSize} bytes (16
 * KiB, or the power of two that holds four of the largest records), each cut into blocks of one size
 * class and owned by one segment; a page with a free block stays on its segment's list for that class,
 * and when the pool of free pages runs dry the segment compacts those lists.
 */
public final class StoreGeometry {
    public static final int MIN_PAGE_SIZE = 16 * 1024;
    public static final int MAX_STRIPES = 1 << 16;
    /** Keeps the metadata (header, segments, index, page map) inside one mapping of under 2 GiB. */
    public static final long MAX_ENTRIES = 1L << 27;

    public static final int MIN_BLOCK = 32;
    /** Pages never straddle a data mapping of this size (a power of two, at least one page). */
    static final long DATA_CHUNK = 1L << 30;

    private final int stripes;
    private final long maxEntries;
    private final int maxRecordLength;
    private final int pageSize;
    private final int pageCount;
    private final int slotsPerSegment;
    private final int[] sizeClasses;
    private final long segmentsOffset;
    private final long indexOffset;
    private final long pageMapOffset;
    private final long dataOffset;
    private final long fileLength;

    /**
     * @throws IllegalArgumentException naming the setting that is out of range
     */
    public StoreGeometry(int stripes, long maxEntries, long maxDataBytes, int maxRecordLength) {
        if (stripes < 1 || stripes > MAX_STRIPES) {
            throw new IllegalArgumentException("stripes must be in [1, " + MAX_STRIPES + "]: " + stripes);
        }
        if (maxEntries < 1 || maxEntries > MAX_ENTRIES) {
            throw new IllegalArgumentException("maxEntries must be in [1, " + MAX_ENTRIES + "]: " + maxEntries);
        }
        if (maxRecordLength < RECORD_HEADER_LENGTH || maxRecordLength > (1 << 30)) {
            throw new IllegalArgumentException("largest record out of range: " + maxRecordLength);
        }
        this.stripes = stripes;
        this.maxEntries = maxEntries;
        this.maxRecordLength = maxRecordLength;
        this.pageSize = pageSizeFor(maxRecordLength);
        long pages = maxDataBytes / pageSize;
        if (pages < 1 || pages > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxDataBytes must be at least one page of " + pageSize
                    + " bytes (the largest record is " + maxRecordLength + " bytes) and at most "
                    + (long) Integer.MAX_VALUE * pageSize + ": " + maxDataBytes);
        }
        this.pageCount = (int) pages;
        this.slotsPerSegment = (int) Math.max(16, (maxEntries * 3 + 2L * stripes - 1) / (2L * stripes));
        this.sizeClasses = sizeClasses(maxRecordLength);
        this.segmentsOffset = HEADER_LENGTH;
        this.indexOffset = segmentsOffset + (long) stripes * SEGMENT_HEADER_LENGTH;
        this.pageMapOffset = indexOffset + (long) stripes * slotsPerSegment * INDEX_WORD_LENGTH;
        this.dataOffset = align(pageMapOffset + (long) pageCount * PAGE_WORD_LENGTH, FILE_ALIGNMENT);
        if (dataOffset > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "maxEntries " + maxEntries + " over " + stripes + " stripes needs an index larger than 2 GiB");
        }
        this.fileLength = dataOffset + (long) pageCount * pageSize;
    }

    /**
     * 16 KiB, or the power of two that holds four of the largest records: small enough that a segment's
     * partly used page per size class stays a small share of the data, large enough that the unusable tail
     * of a page stays under a quarter of it.
     */
    static int pageSizeFor(int maxRecordLength) {
        long four = 4 * align(maxRecordLength, RECORD_ALIGNMENT);
        return (int) Math.max(MIN_PAGE_SIZE, Long.highestOneBit(four - 1) << 1);
    }

    /** Block sizes: from 32 bytes, about 25% apart, multiples of 8, the last exactly the largest record. */
    static int[] sizeClasses(int maxRecordLength) {
        int largest = (int) align(maxRecordLength, RECORD_ALIGNMENT);
        int[] sizes = new int[MAX_SIZE_CLASSES];
        int count = 0;
        int size = MIN_BLOCK;
        while (size < largest) {
            sizes[count++] = size;
            size = (int) align(Math.max(size + RECORD_ALIGNMENT, size + size / 4), RECORD_ALIGNMENT);
        }
        sizes[count++] = largest;
        return Arrays.copyOf(sizes, count);
    }

    public int stripes() {
        return stripes;
    }

    public long maxEntries() {
        return maxEntries;
    }

    public int maxRecordLength() {
        return maxRecordLength;
    }

    public int pageSize() {
        return pageSize;
    }

    public int pageCount() {
        return pageCount;
    }

    /** The data area's size: what {@code maxDataBytes} rounds down to. */
    public long dataBytes() {
        return (long) pageCount * pageSize;
    }

    public int slotsPerSegment() {
        return slotsPerSegment;
    }

    public int sizeClassCount() {
        return sizeClasses.length;
    }

    public int blockSize(int sizeClass) {
        return sizeClasses[sizeClass];
    }

    /** The smallest class whose blocks hold {@code recordLength} bytes, or -1 if none does. */
    public int sizeClassFor(int recordLength) {
        int low = 0;
        int high = sizeClasses.length - 1;
        if (recordLength > sizeClasses[high]) {
            return -1;
        }
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (sizeClasses[mid] >= recordLength) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    }

    public long segmentsOffset() {
        return segmentsOffset;
    }

    public long segmentHeaderOffset(int segment) {
        return segmentsOffset + (long) segment * SEGMENT_HEADER_LENGTH;
    }

    public long indexOffset() {
        return indexOffset;
    }

    public long slotOffset(int segment, int slot) {
        return indexOffset + ((long) segment * slotsPerSegment + slot) * INDEX_WORD_LENGTH;
    }

    public long pageMapOffset() {
        return pageMapOffset;
    }

    public long pageWordOffset(int page) {
        return pageMapOffset + (long) page * PAGE_WORD_LENGTH;
    }

    public long dataOffset() {
        return dataOffset;
    }

    /** File offset of the first byte of {@code page}. */
    public long pageOffset(int page) {
        return dataOffset + (long) page * pageSize;
    }

    public long fileLength() {
        return fileLength;
    }

    /** True if these are the settings {@code other} was made from. */
    public boolean sameSettings(StoreGeometry other) {
        return stripes == other.stripes
                && maxEntries == other.maxEntries
                && pageCount == other.pageCount
                && pageSize == other.pageSize
                && maxRecordLength == other.maxRecordLength;
    }

    @Override
    public String toString() {
        return "stripes=" + stripes + ", maxEntries=" + maxEntries + ", maxDataBytes=" + dataBytes()
                + " (" + pageCount + " pages of " + pageSize + " bytes), largest record " + maxRecordLength
                + " bytes";
    }
}
