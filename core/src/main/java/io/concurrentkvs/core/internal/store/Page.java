package io.concurrentkvs.core.internal.store;

/**
 * The allocator's private view of one data page while a segment owns it: its size class and which of its
 * blocks are free. Kept on the Java heap, never in the file, so nothing a scribbler writes can corrupt the
 * allocator; adoption rebuilds it from the live entries.
 *
 * <p>Threading: owned by one segment and used only under that segment's write lock; {@link PagePool} hands
 * it from one owner to the next under its own lock.
 */
final class Page {
    final int index;
    private int owner = -1;
    private int sizeClass = -1;
    private int blocks;
    private int used;
    /** Bit set = block free. */
    private long[] free = new long[0];

    private int searchFrom;
    Page previous;
    Page next;
    boolean listed;
    /** Being emptied by compaction: a freed block must not put it back on the free list. */
    boolean draining;

    Page(int index) {
        this.index = index;
    }

    /** Gives the page, all blocks free, to {@code owner} for blocks of {@code sizeClass}. */
    void assign(int owner, int sizeClass, int blocks) {
        this.owner = owner;
        this.sizeClass = sizeClass;
        this.blocks = blocks;
        this.used = 0;
        int words = (blocks + 63) >>> 6;
        if (free.length < words) {
            free = new long[words];
        }
        java.util.Arrays.fill(free, 0, words, -1L);
        if ((blocks & 63) != 0) {
            free[words - 1] = (1L << (blocks & 63)) - 1;
        }
        java.util.Arrays.fill(free, words, free.length, 0L);
        searchFrom = 0;
        draining = false;
    }

    void release() {
        draining = false;
        owner = -1;
        sizeClass = -1;
        used = 0;
        blocks = 0;
    }

    int owner() {
        return owner;
    }

    int sizeClass() {
        return sizeClass;
    }

    int blocks() {
        return blocks;
    }

    int used() {
        return used;
    }

    boolean isFull() {
        return used == blocks;
    }

    /** Takes a free block; -1 if none. */
    int take() {
        int words = (blocks + 63) >>> 6;
        for (int n = 0; n < words; n++) {
            int w = (searchFrom + n) % words;
            long bits = free[w];
            if (bits != 0) {
                int bit = Long.numberOfTrailingZeros(bits);
                free[w] = bits & (bits - 1);
                used++;
                searchFrom = w;
                return (w << 6) + bit;
            }
        }
        return -1;
    }

    /** True if {@code block} is taken. */
    boolean isUsed(int block) {
        return (free[block >>> 6] & (1L << block)) == 0;
    }

    /** Marks {@code block} used; false if it was not free (two entries claim one block). */
    boolean claim(int block) {
        long bit = 1L << block;
        if ((free[block >>> 6] & bit) == 0) {
            return false;
        }
        free[block >>> 6] &= ~bit;
        used++;
        return true;
    }

    /** Frees {@code block}; false if it was already free. */
    boolean giveBack(int block) {
        long bit = 1L << block;
        if ((free[block >>> 6] & bit) != 0) {
            return false;
        }
        free[block >>> 6] |= bit;
        used--;
        return true;
    }
}
