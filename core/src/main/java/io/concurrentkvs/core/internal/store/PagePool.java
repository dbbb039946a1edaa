package io.concurrentkvs.core.internal.store;

/**
 * The data pages no segment owns. Segments take a page when a size class has no free block left and give
 * it back when its last block is freed, so space moves between segments and size classes as the workload
 * changes. Thread safety: all methods are synchronized (a page changes hands once per page of data).
 */
final class PagePool {
    private final int[] free;
    private int count;

    PagePool(int pageCount) {
        this.free = new int[pageCount];
    }

    synchronized void add(int page) {
        free[count++] = page;
    }

    /** A free page's index, or -1 if every page is in use. */
    synchronized int take() {
        return count == 0 ? -1 : free[--count];
    }

    synchronized int freePages() {
        return count;
    }

    synchronized void clear() {
        count = 0;
    }
}
