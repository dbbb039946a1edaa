package io.concurrentkvs.core.internal.store;

import io.concurrentkvs.core.internal.memory.HeapMemory;
import io.concurrentkvs.core.internal.memory.Memory;

/**
 * The store's bytes: the metadata (header, segment headers, index, page map) as one window, and the data
 * area as windows of {@link StoreGeometry#DATA_CHUNK} bytes (a mapping is limited to 2 GiB, and no page
 * straddles two). Addresses are file offsets throughout. Every access stays bounds-checked by its
 * {@link Memory}. Immutable; thread safety as {@link Memory}.
 */
public final class StoreMemory {
    private final StoreGeometry geometry;
    private final Memory meta;
    private final Memory[] chunks;
    private final int chunkShift;

    StoreMemory(StoreGeometry geometry, Memory meta, Memory[] chunks, long chunkSize) {
        if (Long.bitCount(chunkSize) != 1 || chunkSize % geometry.pageSize() != 0) {
            throw new IllegalArgumentException("chunk size " + chunkSize + " must be a power-of-two number of pages");
        }
        this.geometry = geometry;
        this.meta = meta;
        this.chunks = chunks.clone();
        this.chunkShift = Long.numberOfTrailingZeros(chunkSize);
    }

    /** A store on the Java heap, for tests and model checking: one chunk, so at most 2 GiB. */
    public static StoreMemory onHeap(StoreGeometry geometry) {
        long data = geometry.dataBytes();
        if (geometry.dataOffset() > Integer.MAX_VALUE || data > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too large for the heap: " + geometry);
        }
        long chunk = Long.highestOneBit(Math.max(data, geometry.pageSize()) - 1) << 1;
        return new StoreMemory(
                geometry,
                new HeapMemory((int) geometry.dataOffset()),
                new Memory[] {new HeapMemory((int) data)},
                Math.max(chunk, geometry.pageSize()));
    }

    public StoreGeometry geometry() {
        return geometry;
    }

    /** Header, segment headers, index and page map: file offsets [0, dataOffset). */
    public Memory meta() {
        return meta;
    }

    /** True if {@code [fileOffset, fileOffset + length)} lies inside one page of the data area. */
    public boolean inOnePage(long fileOffset, long length) {
        long relative = fileOffset - geometry.dataOffset();
        if (relative < 0 || length < 0 || relative >= geometry.dataBytes()) {
            return false;
        }
        long pageMask = geometry.pageSize() - 1; // a power of two
        return (relative & pageMask) + length <= pageMask + 1;
    }

    /** The window holding the data byte at {@code fileOffset}. */
    public Memory chunk(long fileOffset) {
        long relative = fileOffset - geometry.dataOffset();
        int index = (int) (relative >>> chunkShift);
        if (relative < 0 || index >= chunks.length) {
            throw new IndexOutOfBoundsException("file offset " + fileOffset + " is outside the data area");
        }
        return chunks[index];
    }

    /** The offset of {@code fileOffset} inside {@link #chunk}. */
    public long local(long fileOffset) {
        return (fileOffset - geometry.dataOffset()) & ((1L << chunkShift) - 1);
    }
}
