package io.concurrentkvs.core.internal.store;

import static io.concurrentkvs.core.internal.store.StoreLayout.*;

import io.concurrentkvs.core.internal.memory.Memory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a store from what a previous server left, trusting nothing in it: pages from the page map,
 * then each segment's index from its own words, keeping an entry only if its record lies in a page of
 * that segment on a block boundary, its lengths fit the block, its checksum holds and its key hashes to
 * that segment and tag. What it drops or repairs is counted and logged. Runs once, before the store
 * serves, on the starting thread; time is linear in the index and page counts.
 */
final class Adoption {
    private static final Logger LOG = LoggerFactory.getLogger(Adoption.class);

    private final StoreGeometry geometry;
    private final StoreMemory memory;
    private final Memory meta;
    private final long seed;
    private final Segment[] segments;
    private final SegmentAllocator[] allocators;
    private final Page[] pages;
    private final PagePool pool;
    private final EntryBudget budget;
    private final byte[] key;
    private final byte[] value;
    private long dropped;
    private long duplicates;

    Adoption(
            StoreGeometry geometry,
            StoreMemory memory,
            long seed,
            Segment[] segments,
            SegmentAllocator[] allocators,
            Page[] pages,
            PagePool pool,
            EntryBudget budget) {
        this.geometry = geometry;
        this.memory = memory;
        this.meta = memory.meta();
        this.seed = seed;
        this.segments = segments;
        this.allocators = allocators;
        this.pages = pages;
        this.pool = pool;
        this.budget = budget;
        this.key = new byte[geometry.maxRecordLength()];
        this.value = new byte[geometry.maxRecordLength()];
    }

    AdoptionReport run() {
        long start = System.nanoTime();
        long invalidPages = adoptPages();
        long openWrites = 0;
        long entries = 0;
        long[] words = new long[geometry.slotsPerSegment()];
        for (int s = 0; s < segments.length; s++) {
            long sequenceAt = geometry.segmentHeaderOffset(s) + SEGMENT_SEQUENCE_OFFSET;
            long sequence = meta.getLong(sequenceAt);
            if ((sequence & 1) != 0) {
                openWrites++;
            }
            entries += adoptSegment(s, words, (sequence + 2) & ~1L);
        }
        releaseEmptyPages();
        budget.set(entries);
        AdoptionReport report =
                new AdoptionReport(entries, dropped, duplicates, openWrites, invalidPages, System.nanoTime() - start);
        if (dropped + openWrites + invalidPages > 0) {
            LOG.warn(
                    "adopted {} entries; dropped {} damaged entries, {} duplicate index words, repaired {} open "
                            + "writes and {} invalid page words",
                    entries,
                    dropped,
                    duplicates,
                    openWrites,
                    invalidPages);
        }
        return report;
    }

    private long adoptPages() {
        long invalid = 0;
        for (int p = 0; p < pages.length; p++) {
            int word = meta.getInt(geometry.pageWordOffset(p));
            if (word == 0) {
                continue;
            }
            int owner = word >>> PAGE_OWNER_SHIFT;
            int sizeClass = (word & PAGE_CLASS_MASK) - 1;
            if (owner < segments.length && sizeClass >= 0 && sizeClass < geometry.sizeClassCount()) {
                allocators[owner].adopt(pages[p], sizeClass);
            } else {
                invalid++;
                meta.putInt(geometry.pageWordOffset(p), 0);
            }
        }
        return invalid;
    }

    private long adoptSegment(int s, long[] words, long sequence) {
        int slots = geometry.slotsPerSegment();
        for (int i = 0; i < slots; i++) {
            words[i] = meta.getLong(geometry.slotOffset(s, i));
        }
        meta.setMemory(geometry.slotOffset(s, 0), (long) slots * INDEX_WORD_LENGTH, (byte) 0);
        long entries = 0;
        long live = 0;
        long blocks = 0;
        for (int i = 0; i < slots; i++) {
            long word = words[i];
            if (word == 0) {
                continue;
            }
            long at = recordOffset(word);
            int recordLength = intactRecordLength(s, word, at);
            if (recordLength < 0) {
                dropped++;
                continue;
            }
            if (!allocators[s].claim(at)) {
                duplicates++; // the block is this segment's and already claimed: the same entry twice
                continue;
            }
            int keyLength = recordLength - RECORD_HEADER_LENGTH - valueLengthAt(at);
            if (!segments[s].place(word, key, keyLength)) {
                allocators[s].unclaim(at);
                dropped++;
                continue;
            }
            entries++;
            live += recordLength;
            blocks += allocators[s].blockSizeAt(at);
        }
        segments[s].adopted(sequence, entries, live, blocks);
        return entries;
    }

    /**
     * The record length if the word names an intact record of segment {@code s} (its key and value are
     * then in {@link #key} and {@link #value}), else -1.
     */
    private int intactRecordLength(int s, long word, long at) {
        try {
            if (!memory.inOnePage(at, RECORD_HEADER_LENGTH)) {
                return -1;
            }
            int blockSize = allocators[s].blockSizeAt(at);
            Memory m = memory.chunk(at);
            long local = memory.local(at);
            int keyLength = m.getInt(local + RECORD_KEY_LENGTH_OFFSET);
            int valueLength = m.getInt(local + RECORD_VALUE_LENGTH_OFFSET);
            if (blockSize < 0
                    || keyLength < 0
                    || valueLength < 0
                    || (long) recordLength(keyLength, valueLength) > blockSize) {
                return -1;
            }
            m.getBytes(local + RECORD_HEADER_LENGTH, key, 0, keyLength);
            m.getBytes(local + RECORD_HEADER_LENGTH + keyLength, value, 0, valueLength);
            int checksum = Hashing.checksum(
                    seed,
                    keyLength,
                    valueLength,
                    m.getInt(local + RECORD_FLAGS_OFFSET),
                    m.getLong(local + RECORD_EXPIRES_OFFSET),
                    key,
                    value,
                    0);
            if (checksum != m.getInt(local + RECORD_CHECKSUM_OFFSET)) {
                return -1;
            }
            long hash = Hashing.keyHash(seed, key, keyLength);
            if (segmentOf(hash) != s || Segment.tagOf(hash) != tag(word)) {
                return -1;
            }
            return recordLength(keyLength, valueLength);
        } catch (IndexOutOfBoundsException e) {
            return -1;
        }
    }

    private int valueLengthAt(long at) {
        return memory.chunk(at).getInt(memory.local(at) + RECORD_VALUE_LENGTH_OFFSET);
    }

    private int segmentOf(long hash) {
        return Segment.segmentOf(hash, segments.length);
    }

    private void releaseEmptyPages() {
        for (int p = pages.length - 1; p >= 0; p--) {
            Page page = pages[p];
            if (page.owner() < 0) {
                pool.add(p);
            } else if (page.used() == 0) {
                allocators[page.owner()].releaseAdopted(page);
                meta.putInt(geometry.pageWordOffset(p), 0);
                pool.add(p);
            } else {
                allocators[page.owner()].finishAdoption(page);
            }
        }
    }
}
