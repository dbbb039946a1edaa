package io.concurrentkvs.core.internal.store;

/**
 * A snapshot of how full a store is.
 *
 * @param entries entries stored
 * @param maxEntries the entry limit
 * @param liveBytes bytes of live records (a 24-byte header, the key and the value each)
 * @param blockBytes bytes of the blocks that hold them (records rounded up to their size class)
 * @param pageBytes bytes of the pages in use (blocks, free blocks of partly used pages, and page tails)
 * @param dataBytes the data area: {@code maxDataBytes} rounded down to whole pages
 */
public record StoreUsage(
        long entries, long maxEntries, long liveBytes, long blockBytes, long pageBytes, long dataBytes) {

    /** Data bytes no page holds yet. */
    public long freeBytes() {
        return dataBytes - pageBytes;
    }

    /**
     * The share of the pages in use that holds no live record: {@code 1 - liveBytes / pageBytes}, 0 when
     * no page is in use. Size-class rounding and free blocks in partly used pages both count.
     */
    public double fragmentation() {
        return pageBytes == 0 ? 0 : 1.0 - (double) liveBytes / pageBytes;
    }
}
