package io.concurrentkvs.core.internal.store;

import static io.concurrentkvs.core.internal.store.StoreLayout.*;

import io.concurrentkvs.core.KvsCapacityException;
import io.concurrentkvs.core.internal.memory.Memory;

/**
 * The server's map of byte keys to byte values, in shared memory that outlives the server: {@code
 * stripes} {@link Segment}s, each an index over slab-allocated records (docs/PROTOCOL.md, "The store
 * file"). No entry costs Java heap; the allocator's per-page bitmaps cost about one bit per smallest block.
 *
 * <p>Made either empty ({@link #format}) or from what a previous server left ({@link #adopt}), which
 * validates every entry and rebuilds the index and the allocator. Either way the store's bytes are only
 * ever written by this object's threads while it lives (the file is locked by {@link StoreFile}).
 *
 * <p>Thread safety: every operation may be called from any thread; writes to one segment are serialized,
 * reads take no lock.
 */
public final class SharedStore {
    /** {@link #get}'s answer when the key is absent. */
    public static final int ABSENT = Segment.ABSENT;

    private final StoreGeometry geometry;
    private final StoreMemory memory;
    private final long seed;
    private final Segment[] segments;
    private final SegmentAllocator[] allocators;
    private final Page[] pages;
    private final PagePool pool;
    private final EntryBudget budget;
    private final StoreCounters counters = new StoreCounters();
    private final AdoptionReport adoption;

    private SharedStore(String name, StoreMemory memory, long seed, boolean adopt) {
        this.geometry = memory.geometry();
        this.memory = memory;
        this.seed = seed;
        this.budget = new EntryBudget(name, geometry.maxEntries());
        this.pages = new Page[geometry.pageCount()];
        for (int p = 0; p < pages.length; p++) {
            pages[p] = new Page(p);
        }
        this.pool = new PagePool(geometry.pageCount());
        this.segments = new Segment[geometry.stripes()];
        this.allocators = new SegmentAllocator[geometry.stripes()];
        for (int s = 0; s < segments.length; s++) {
            allocators[s] = new SegmentAllocator(s, geometry, memory.meta(), pages, pool);
            segments[s] = new Segment(s, geometry, memory, seed, allocators[s], budget, counters);
        }
        if (adopt) {
            this.adoption = new Adoption(geometry, memory, seed, segments, allocators, pages, pool, budget).run();
        } else {
            for (int p = pages.length - 1; p >= 0; p--) {
                pool.add(p);
            }
            this.adoption = AdoptionReport.fresh();
        }
    }

    /**
     * Writes a new, empty store into {@code memory}, which must be all zeros, and publishes its header.
     */
    public static SharedStore format(String name, StoreMemory memory, long seed, long createdMillis, long ownerPid) {
        StoreHeader.write(memory.meta(), memory.geometry(), seed, createdMillis, ownerPid);
        SharedStore store = new SharedStore(name, memory, seed, false);
        StoreHeader.publish(memory.meta());
        return store;
    }

    /**
     * Adopts the store a previous server left in {@code memory}: validates every entry, drops what is not
     * intact, repairs what a crash mid-write left, and rebuilds the index and allocator.
     *
     * @throws IllegalArgumentException if the header is not a valid store header of {@code memory}'s geometry
     */
    public static SharedStore adopt(String name, StoreMemory memory) {
        StoreHeader.Contents header =
                StoreHeader.read(memory.meta(), memory.geometry().fileLength());
        if (!header.geometry.sameSettings(memory.geometry())) {
            throw new IllegalArgumentException(
                    "the header describes " + header.geometry + ", not " + memory.geometry());
        }
        return new SharedStore(name, memory, header.seed, true);
    }

    // Operations. Keys and values are passed as (array, length); the arrays are not kept.

    /**
     * Copies the value of {@code key[0, keyLength)} into {@code out} (which must hold the largest value the
     * store takes, {@link #maxValueLength()}) and returns its length, or {@link #ABSENT}.
     */
    public int get(byte[] key, int keyLength, byte[] out) {
        long hash = Hashing.keyHash(seed, key, keyLength);
        return segments[segmentOf(hash)].get(hash, key, keyLength, out);
    }

    /** A copy of the value of {@code key}, or null; allocates, for tools and tests. */
    public byte[] get(byte[] key) {
        byte[] out = new byte[maxValueLength()];
        int length = get(key, key.length, out);
        return length == ABSENT ? null : java.util.Arrays.copyOf(out, length);
    }

    /**
     * Inserts or replaces.
     *
     * @throws KvsCapacityException if the store has no room; nothing changed
     */
    public void set(byte[] key, int keyLength, byte[] value, int valueOffset, int valueLength) {
        long hash = Hashing.keyHash(seed, key, keyLength);
        segments[segmentOf(hash)].put(hash, key, keyLength, value, valueOffset, valueLength, false);
    }

    public void set(byte[] key, byte[] value) {
        set(key, key.length, value, 0, value.length);
    }

    /**
     * Inserts only if absent; true if inserted.
     *
     * @throws KvsCapacityException if the key is absent and the store has no room; nothing changed
     */
    public boolean post(byte[] key, int keyLength, byte[] value, int valueOffset, int valueLength) {
        long hash = Hashing.keyHash(seed, key, keyLength);
        return segments[segmentOf(hash)].put(hash, key, keyLength, value, valueOffset, valueLength, true);
    }

    public boolean post(byte[] key, byte[] value) {
        return post(key, key.length, value, 0, value.length);
    }

    /** Removes; true if the key was present. */
    public boolean del(byte[] key, int keyLength) {
        long hash = Hashing.keyHash(seed, key, keyLength);
        return segments[segmentOf(hash)].remove(hash, key, keyLength);
    }

    public boolean del(byte[] key) {
        return del(key, key.length);
    }

    // Persistence.

    /**
     * Reports every later write to {@code journal} (see {@link Journal} for the order it sees them in).
     * Called before the store serves.
     */
    public void journalTo(Journal journal) {
        for (Segment segment : segments) {
            segment.journalTo(journal);
        }
    }

    /** The persistence history the entries belong to ({@link StoreLayout#PERSISTED_HISTORY_OFFSET}). */
    public long persistedHistory() {
        return memory.meta().getLongVolatile(PERSISTED_HISTORY_OFFSET);
    }

    /** Records which persistence history the entries belong to (0: none, or {@link StoreLayout#HISTORY_RECOVERING}). */
    public void persistedHistory(long historyId) {
        memory.meta().putLongVolatile(PERSISTED_HISTORY_OFFSET, historyId);
    }

    /** The persisted history a store file records, read without adopting it; 0 for a 1.0 file. */
    static long persistedHistoryOf(Memory meta) {
        return meta.getLongVolatile(PERSISTED_HISTORY_OFFSET);
    }

    /** Segments a live copy walks: {@code copyStart(s)} then {@code copyChunk(s, ...)} until false, for each. */
    public int segmentCount() {
        return segments.length;
    }

    /**
     * Starts the live copy of segment {@code s}: the entries its chunks hand out, plus what the journal is
     * told from now on, hold every entry the segment has at this instant or gets later.
     */
    public void copyStart(int s) {
        segments[s].copyStart();
    }

    /** Copies up to {@code maxSlots} more index slots of segment {@code s}; false once the segment is done. */
    public boolean copyChunk(int s, int maxSlots, EntrySink sink) {
        return segments[s].copyChunk(maxSlots, sink);
    }

    /** Ends the copy of segment {@code s} early. */
    public void copyAbort(int s) {
        segments[s].copyAbort();
    }

    /** The segment of a key hash: its low 32 bits, scaled to {@code stripes}. */
    int segmentOf(long hash) {
        return Segment.segmentOf(hash, segments.length);
    }

    // State.

    /** Entries stored; exact when no write is in progress. */
    public long size() {
        return budget.entries();
    }

    public StoreGeometry geometry() {
        return geometry;
    }

    /** The largest value a record can hold beside an empty key. */
    public int maxValueLength() {
        return geometry.maxRecordLength() - RECORD_HEADER_LENGTH;
    }

    public AdoptionReport adoption() {
        return adoption;
    }

    public StoreCounters counters() {
        return counters;
    }

    /** Entries, bytes and pages in use, summed over the segments (each read under its lock). */
    public StoreUsage usage() {
        long live = 0;
        long blocks = 0;
        long pagesInUse = 0;
        for (Segment segment : segments) {
            long[] u = segment.usage();
            live += u[0];
            blocks += u[1];
            pagesInUse += u[2];
        }
        return new StoreUsage(
                size(), geometry.maxEntries(), live, blocks, pagesInUse * geometry.pageSize(), geometry.dataBytes());
    }

    /**
     * The usage a store file's segment headers and page map record, read without adopting it (for {@code kvs
     * stats} while a server runs or after it stopped). {@code segments} holds the file from offset 0 through
     * the segment headers; {@code pageMap} the page map alone.
     */
    static StoreUsage recordedUsage(Memory segments, Memory pageMap, StoreGeometry g) {
        long entries = 0;
        long live = 0;
        long blocks = 0;
        for (int s = 0; s < g.stripes(); s++) {
            long at = g.segmentHeaderOffset(s);
            entries += segments.getLongAcquire(at + SEGMENT_ENTRIES_OFFSET);
            live += segments.getLongAcquire(at + SEGMENT_LIVE_BYTES_OFFSET);
            blocks += segments.getLongAcquire(at + SEGMENT_BLOCK_BYTES_OFFSET);
        }
        long pagesInUse = 0;
        for (int p = 0; p < g.pageCount(); p++) {
            if (pageMap.getInt((long) p * PAGE_WORD_LENGTH) != 0) {
                pagesInUse++;
            }
        }
        return new StoreUsage(entries, g.maxEntries(), live, blocks, pagesInUse * g.pageSize(), g.dataBytes());
    }
}
