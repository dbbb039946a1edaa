package io.concurrentkvs.core.internal.store;

import io.concurrentkvs.core.internal.memory.Memory;

/**
 * One segment's slab allocator: for each size class, a list of the segment's pages that still have a free
 * block. A block is taken from the first such page, or from a page fresh from the {@link PagePool}; a page
 * whose last block is freed goes back to the pool, so no page stays pinned to a class it no longer serves.
 *
 * <p>The page word in the file records the owner and class of every page in use; it is written before any
 * block of the page is published, and cleared when the page returns to the pool. Block state itself lives
 * only in {@link Page} on the heap.
 *
 * <p>Threading: used only under its segment's write lock.
 */
final class SegmentAllocator {
    private final int segment;
    private final StoreGeometry geometry;
    private final Memory meta;
    private final Page[] pages;
    private final PagePool pool;
    private final Page[] partial;
    private long pagesOwned;

    SegmentAllocator(int segment, StoreGeometry geometry, Memory meta, Page[] pages, PagePool pool) {
        this.segment = segment;
        this.geometry = geometry;
        this.meta = meta;
        this.pages = pages;
        this.pool = pool;
        this.partial = new Page[geometry.sizeClassCount()];
    }

    /** File offset of a free block of {@code sizeClass}, now taken; -1 if the data area is full. */
    long allocate(int sizeClass) {
        Page page = partial[sizeClass];
        if (page == null) {
            int index = pool.take();
            if (index < 0) {
                return -1;
            }
            page = pages[index];
            page.assign(segment, sizeClass, blocksPerPage(sizeClass));
            meta.putIntRelease(geometry.pageWordOffset(index), StoreLayout.pageWord(segment, sizeClass));
            pagesOwned++;
            link(page);
        }
        int block = page.take();
        if (page.isFull()) {
            unlink(page);
        }
        return geometry.pageOffset(page.index) + (long) block * geometry.blockSize(sizeClass);
    }

    int blocksPerPage(int sizeClass) {
        return geometry.pageSize() / geometry.blockSize(sizeClass);
    }

    /**
     * Frees the block at {@code fileOffset}. Returns false, changing nothing, if the offset is not a block
     * this segment holds (only a scribbled index word can name one).
     */
    boolean free(long fileOffset) {
        Page page = pageHolding(fileOffset);
        if (page == null) {
            return false;
        }
        int block = blockIndex(page, fileOffset);
        if (block < 0 || !page.giveBack(block)) {
            return false;
        }
        if (page.used() == 0) {
            if (page.listed) {
                unlink(page);
            }
            meta.putIntRelease(geometry.pageWordOffset(page.index), 0);
            page.release();
            pagesOwned--;
            pool.add(page.index);
        } else if (!page.listed && !page.draining) {
            link(page);
        }
        return true;
    }

    /** The block size of the block at {@code fileOffset}, or -1 if this segment holds no such block. */
    int blockSizeAt(long fileOffset) {
        Page page = pageHolding(fileOffset);
        if (page == null || blockIndex(page, fileOffset) < 0) {
            return -1;
        }
        return geometry.blockSize(page.sizeClass());
    }

    // Adoption.

    /** Takes over {@code page} as the file's page word says, all blocks free. */
    void adopt(Page page, int sizeClass) {
        page.assign(segment, sizeClass, blocksPerPage(sizeClass));
        pagesOwned++;
    }

    /** Marks an adopted entry's block used; false if the block is not this segment's or already used. */
    boolean claim(long fileOffset) {
        Page page = pageHolding(fileOffset);
        if (page == null) {
            return false;
        }
        int block = blockIndex(page, fileOffset);
        return block >= 0 && page.claim(block);
    }

    /** Undoes {@link #claim} for an entry adoption then dropped; the page stays this segment's. */
    void unclaim(long fileOffset) {
        Page page = pageHolding(fileOffset);
        int block = page == null ? -1 : blockIndex(page, fileOffset);
        if (block >= 0) {
            page.giveBack(block);
        }
    }

    /** After adoption: lists the adopted pages that have free blocks. */
    void finishAdoption(Page page) {
        if (!page.isFull() && !page.listed) {
            link(page);
        }
    }

    // Compaction.

    /** The segment's pages of {@code sizeClass} that have a free block, emptiest first. */
    java.util.List<Page> partialPages(int sizeClass) {
        java.util.List<Page> pages = new java.util.ArrayList<>();
        for (Page page = partial[sizeClass]; page != null; page = page.next) {
            pages.add(page);
        }
        pages.sort(java.util.Comparator.comparingInt(Page::used));
        return pages;
    }

    /** Takes {@code page} off its free list, so that no block of it is handed out while it is emptied. */
    void detach(Page page) {
        if (page.listed) {
            unlink(page);
        }
        page.draining = true;
    }

    /** File offset of block {@code block} of {@code page}. */
    long blockOffset(Page page, int block) {
        return geometry.pageOffset(page.index) + (long) block * geometry.blockSize(page.sizeClass());
    }

    /** Gives back an adopted page that holds no live entry. */
    void releaseAdopted(Page page) {
        page.release();
        pagesOwned--;
    }

    long pagesOwned() {
        return pagesOwned;
    }

    private Page pageHolding(long fileOffset) {
        long relative = fileOffset - geometry.dataOffset();
        if (relative < 0 || relative >= geometry.dataBytes()) {
            return null;
        }
        Page page = pages[(int) (relative / geometry.pageSize())];
        return page.owner() == segment ? page : null;
    }

    private int blockIndex(Page page, long fileOffset) {
        long within = fileOffset - geometry.pageOffset(page.index);
        int size = geometry.blockSize(page.sizeClass());
        if (within % size != 0 || within / size >= page.blocks()) {
            return -1;
        }
        return (int) (within / size);
    }

    private void link(Page page) {
        Page head = partial[page.sizeClass()];
        page.previous = null;
        page.next = head;
        if (head != null) {
            head.previous = page;
        }
        partial[page.sizeClass()] = page;
        page.listed = true;
    }

    private void unlink(Page page) {
        if (page.previous != null) {
            page.previous.next = page.next;
        } else {
            partial[page.sizeClass()] = page.next;
        }
        if (page.next != null) {
            page.next.previous = page.previous;
        }
        page.previous = null;
        page.next = null;
        page.listed = false;
    }
}
