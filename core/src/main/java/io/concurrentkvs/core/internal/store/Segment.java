package io.concurrentkvs.core.internal.store;

import static io.concurrentkvs.core.internal.store.StoreLayout.*;

import io.concurrentkvs.core.KvsCapacityException;
import io.concurrentkvs.core.internal.memory.Memory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One segment of the shared table: an open-addressing index (linear probing, backward-shift deletion) of
 * words that point at records in the data area, a sequence word that readers validate against, and the
 * segment's slab allocator.
 *
 * <p><b>Writers</b> (server threads only) hold the segment's lock, a {@link ReentrantLock} on the Java heap:
 * only threads of the one process that serves the name ever take it, so no client and no dead process can
 * hold it. A write never changes a published record: it writes the new record into a free block, then
 * publishes it with one release store of its index word; the old block is freed only after that. The
 * sequence word is odd while the writer frees a block or moves index words (a delete's backward shift), so
 * a reader that overlapped either retries; a server killed inside leaves it odd, and adoption resets it.
 *
 * <p><b>Readers</b> take no lock: they read the sequence (acquire), probe and copy the value, and accept the
 * result only if the sequence is still the same even value. A reader that keeps failing (a writer freed
 * blocks under it many times, or a scribbler holds the word odd) reads under the lock instead, so it never
 * spins unbounded. Every record is validated before its bytes are returned: it lies inside one page, its
 * lengths fit, its key matches, its checksum holds; a record that fails is answered absent and counted.
 *
 * <p>Thread safety: all public methods may be called from any server thread.
 */
final class Segment {
    /** {@link #get}'s answer when the key is absent. */
    static final int ABSENT = -1;

    private static final int MISMATCH = -2;
    private static final int CORRUPT = -3;
    private static final int OPTIMISTIC_ATTEMPTS = 64;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final int id;
    private final StoreGeometry geometry;
    private final StoreMemory memory;
    private final Memory meta;
    private final long seed;
    private final int slots;
    private final long sequenceOffset;
    private final long headerOffset;
    private final SegmentAllocator allocator;
    private final EntryBudget budget;
    private final StoreCounters counters;
    private final ReentrantLock lock = new ReentrantLock();
    /** A record being moved by {@link #compact}; used under the lock only. */
    private final byte[] moving;
    /** An entry being copied out ({@link #copyChunk}, or a shifted entry journaled); under the lock only. */
    private final byte[] copyKey;

    private final byte[] copyValue;
    private int copiedKeyLength;
    private int copiedValueLength;
    /** Where writes are reported, or null; set before the segment serves. */
    private Journal journal;
    /** The next slot a live copy reads, or -1 when none runs; under the lock only. */
    private int copyCursor = -1;
    /** The sequence as this process last wrote it: the file's word is only a copy for readers. */
    private long sequence;

    private long entries;
    private long liveBytes;
    private long blockBytes;

    Segment(
            int id,
            StoreGeometry geometry,
            StoreMemory memory,
            long seed,
            SegmentAllocator allocator,
            EntryBudget budget,
            StoreCounters counters) {
        this.id = id;
        this.geometry = geometry;
        this.memory = memory;
        this.meta = memory.meta();
        this.seed = seed;
        this.slots = geometry.slotsPerSegment();
        this.headerOffset = geometry.segmentHeaderOffset(id);
        this.sequenceOffset = headerOffset + SEGMENT_SEQUENCE_OFFSET;
        this.allocator = allocator;
        this.budget = budget;
        this.counters = counters;
        this.moving = new byte[(int) align(geometry.maxRecordLength(), RECORD_ALIGNMENT)];
        this.copyKey = new byte[geometry.maxRecordLength()];
        this.copyValue = new byte[geometry.maxRecordLength()];
    }

    /** Reports every later write to {@code journal}; called before the segment serves. */
    void journalTo(Journal journal) {
        lock.lock();
        try {
            this.journal = journal;
        } finally {
            lock.unlock();
        }
    }

    /** The slot an entry with {@code tag} is placed from. */
    int home(int tag) {
        return (int) (((long) tag * slots) >>> TAG_BITS);
    }

    /** The segment of a key hash: its low 32 bits, scaled to {@code stripes}. */
    static int segmentOf(long hash, int stripes) {
        return (int) (((hash & 0xFFFFFFFFL) * stripes) >>> 32);
    }

    static int tagOf(long hash) {
        return (int) (hash >>> TAG_SHIFT);
    }

    // Reads.

    /** Copies the value of {@code key} into {@code out} and returns its length, or {@link #ABSENT}. */
    int get(long hash, byte[] key, int keyLength, byte[] out) {
        int tag = tagOf(hash);
        for (int attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
            long seen = meta.getLongAcquire(sequenceOffset);
            if ((seen & 1) != 0) {
                Thread.onSpinWait();
                continue;
            }
            int found;
            try {
                found = find(tag, key, keyLength, out);
            } catch (IndexOutOfBoundsException torn) {
                found = CORRUPT;
            }
            VarHandle.acquireFence();
            if (meta.getLongAcquire(sequenceOffset) == seen) {
                return answer(found);
            }
        }
        lock.lock();
        try {
            return answer(find(tag, key, keyLength, out));
        } catch (IndexOutOfBoundsException corrupt) {
            return answer(CORRUPT);
        } finally {
            lock.unlock();
        }
    }

    private int answer(int found) {
        if (found == CORRUPT) {
            counters.corruptRead();
            return ABSENT;
        }
        return found;
    }

    private int find(int tag, byte[] key, int keyLength, byte[] out) {
        int slot = home(tag);
        boolean corrupt = false;
        for (int probes = 0; probes < slots; probes++) {
            // Acquire: an insert publishes its word without touching the sequence, so the word itself
            // must carry the record's bytes to this reader.
            long word = meta.getLongAcquire(geometry.slotOffset(id, slot));
            if (word == 0) {
                return corrupt ? CORRUPT : ABSENT;
            }
            if (tag(word) == tag) {
                int found = read(recordOffset(word), key, keyLength, out);
                if (found == CORRUPT) {
                    corrupt = true;
                } else if (found != MISMATCH) {
                    return found;
                }
            }
            slot = slot + 1 == slots ? 0 : slot + 1;
        }
        return corrupt ? CORRUPT : ABSENT;
    }

    /** The record's value length after copying it into {@code out}, {@link #MISMATCH} or {@link #CORRUPT}. */
    private int read(long at, byte[] key, int keyLength, byte[] out) {
        if (!memory.inOnePage(at, RECORD_HEADER_LENGTH)) {
            return CORRUPT;
        }
        Memory m = memory.chunk(at);
        long local = memory.local(at);
        if (m.getInt(local + RECORD_KEY_LENGTH_OFFSET) != keyLength) {
            return MISMATCH;
        }
        int valueLength = m.getInt(local + RECORD_VALUE_LENGTH_OFFSET);
        if (valueLength < 0
                || valueLength > out.length
                || !memory.inOnePage(at, align(recordLength(keyLength, valueLength), RECORD_ALIGNMENT))) {
            return CORRUPT;
        }
        if (!keyEquals(m, local + RECORD_HEADER_LENGTH, key, keyLength)) {
            return MISMATCH;
        }
        m.getBytes(local + RECORD_HEADER_LENGTH + keyLength, out, 0, valueLength);
        int checksum = Hashing.checksum(
                seed,
                keyLength,
                valueLength,
                m.getInt(local + RECORD_FLAGS_OFFSET),
                m.getLong(local + RECORD_EXPIRES_OFFSET),
                key,
                out,
                0);
        return checksum == m.getInt(local + RECORD_CHECKSUM_OFFSET) ? valueLength : CORRUPT;
    }

    /** Compares 8 bytes at a time; the record's block always extends to the key's next 8-byte boundary. */
    private static boolean keyEquals(Memory m, long at, byte[] key, int keyLength) {
        int i = 0;
        for (; i + 8 <= keyLength; i += 8) {
            if (m.getLong(at + i) != (long) LONGS.get(key, i)) {
                return false;
            }
        }
        if (i < keyLength) {
            long tail = 0;
            int remaining = keyLength - i;
            for (int b = 0; b < remaining; b++) {
                tail |= (key[i + b] & 0xFFL) << (8 * b);
            }
            long mask = -1L >>> (64 - 8 * remaining);
            return (m.getLong(at + i) & mask) == tail;
        }
        return true;
    }

    // Writes.

    /**
     * Stores {@code value} under {@code key}: always ({@code onlyIfAbsent} false) or only if the key is
     * absent. Returns true if stored.
     *
     * @throws KvsCapacityException if the key is new and the store or this segment's index is full, or no
     *     block of the record's size is free; nothing was changed
     */
    boolean put(
            long hash,
            byte[] key,
            int keyLength,
            byte[] value,
            int valueOffset,
            int valueLength,
            boolean onlyIfAbsent) {
        int recordLength = recordLength(keyLength, valueLength);
        int sizeClass = geometry.sizeClassFor(recordLength);
        if (sizeClass < 0) {
            throw new IllegalArgumentException("a record of " + recordLength + " bytes exceeds the store's largest, "
                    + geometry.maxRecordLength());
        }
        int tag = tagOf(hash);
        lock.lock();
        try {
            int slot = home(tag);
            long existing = 0;
            int probes = 0;
            for (; probes < slots; probes++) {
                long word = meta.getLong(geometry.slotOffset(id, slot));
                if (word == 0) {
                    break;
                }
                if (tag(word) == tag && holdsKey(recordOffset(word), key, keyLength)) {
                    existing = word;
                    break;
                }
                slot = slot + 1 == slots ? 0 : slot + 1;
            }
            if (existing != 0 && onlyIfAbsent) {
                return false;
            }
            if (existing == 0) {
                reserveSlot(probes);
            }
            long block = allocator.allocate(sizeClass);
            if (block < 0 && compact() > 0) {
                block = allocator.allocate(sizeClass);
                if (existing != 0) {
                    // Compaction may have moved the record being replaced: free where it is now.
                    existing = meta.getLong(geometry.slotOffset(id, slot));
                }
            }
            if (block < 0) {
                if (existing == 0) {
                    budget.release();
                }
                counters.capacityRejected();
                throw dataFull(recordLength);
            }
            writeRecord(block, key, keyLength, value, valueOffset, valueLength);
            WriteHook.reached(WriteHook.Point.RECORD_WRITTEN);
            meta.putLongRelease(geometry.slotOffset(id, slot), indexWord(tag, block));
            WriteHook.reached(WriteHook.Point.PUBLISHED);
            long oldBlockBytes = 0;
            if (existing != 0) {
                long old = recordOffset(existing);
                int oldLength = recordLengthAt(old);
                oldBlockBytes = beginChange(old);
                liveBytes -= oldLength;
                endChange();
            } else {
                entries++;
            }
            liveBytes += recordLength;
            blockBytes += geometry.blockSize(sizeClass) - oldBlockBytes;
            publishStats();
            if (journal != null) {
                journal.set(key, keyLength, value, valueOffset, valueLength);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Removes {@code key}; true if it was present. */
    boolean remove(long hash, byte[] key, int keyLength) {
        int tag = tagOf(hash);
        lock.lock();
        try {
            int slot = home(tag);
            for (int probes = 0; probes < slots; probes++) {
                long word = meta.getLong(geometry.slotOffset(id, slot));
                if (word == 0) {
                    return false;
                }
                if (tag(word) == tag && holdsKey(recordOffset(word), key, keyLength)) {
                    long at = recordOffset(word);
                    int length = recordLengthAt(at);
                    sequence++;
                    meta.putLongVolatile(sequenceOffset, sequence);
                    shiftBack(slot);
                    WriteHook.reached(WriteHook.Point.UNLINKED);
                    int blockSize = allocator.blockSizeAt(at);
                    allocator.free(at);
                    endChange();
                    entries--;
                    liveBytes -= length;
                    blockBytes -= Math.max(0, blockSize);
                    budget.release();
                    publishStats();
                    if (journal != null) {
                        journal.del(key, keyLength);
                    }
                    return true;
                }
                slot = slot + 1 == slots ? 0 : slot + 1;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Frees whole pages for the pool when it ran dry: in each size class, moves the records of the
     * segment's emptiest partly used pages into the free blocks of its fuller ones, as long as they fit,
     * and gives the emptied pages back. A move is a write of the same record elsewhere: copy, publish the
     * new index word (release), then free the old block inside an odd sequence. So readers and a crash see
     * the record at its old or its new place, never neither. Without it, pages cut for one record size
     * stay pinned to it after the workload's sizes shift. Returns the pages freed.
     */
    private int compact() {
        int freed = 0;
        for (int sizeClass = 0; sizeClass < geometry.sizeClassCount(); sizeClass++) {
            java.util.List<Page> pages = allocator.partialPages(sizeClass);
            int room = 0;
            for (Page page : pages) {
                room += page.blocks() - page.used();
            }
            for (int source = 0; source < pages.size() - 1; source++) {
                Page page = pages.get(source);
                room -= page.blocks() - page.used();
                if (page.used() > room) {
                    break;
                }
                allocator.detach(page);
                room -= page.used();
                for (int block = 0; block < page.blocks() && page.used() > 0; block++) {
                    if (page.isUsed(block)) {
                        move(allocator.blockOffset(page, block), sizeClass);
                    }
                }
                freed++;
            }
        }
        return freed;
    }

    /** Moves the record at {@code from} (a block of {@code sizeClass}) to a new block of that class. */
    private void move(long from, int sizeClass) {
        Memory m = memory.chunk(from);
        long local = memory.local(from);
        int keyLength = m.getInt(local + RECORD_KEY_LENGTH_OFFSET);
        int blockSize = geometry.blockSize(sizeClass);
        int slot =
                keyLength < 0 || keyLength > blockSize - RECORD_HEADER_LENGTH ? -1 : slotOf(m, local, keyLength, from);
        if (slot < 0) {
            allocator.free(from); // no word names it: a block a scribbled word leaked
            return;
        }
        long to = allocator.allocate(sizeClass);
        if (to < 0) {
            return; // compact() only moves into room it counted; nothing to do if that was wrong
        }
        m.getBytes(local, moving, 0, blockSize);
        memory.chunk(to).putBytes(memory.local(to), moving, 0, blockSize);
        long word = meta.getLong(geometry.slotOffset(id, slot));
        meta.putLongRelease(geometry.slotOffset(id, slot), indexWord(tag(word), to));
        sequence++;
        meta.putLongVolatile(sequenceOffset, sequence);
        allocator.free(from);
        endChange();
    }

    /** The index slot whose word names the record at {@code at}, found by its key; -1 if none does. */
    private int slotOf(Memory m, long local, int keyLength, long at) {
        m.getBytes(local + RECORD_HEADER_LENGTH, moving, 0, keyLength);
        long hash = Hashing.keyHash(seed, moving, keyLength);
        int tag = tagOf(hash);
        int slot = home(tag);
        for (int probes = 0; probes < slots; probes++) {
            long word = meta.getLong(geometry.slotOffset(id, slot));
            if (word == 0) {
                return -1;
            }
            if (recordOffset(word) == at && tag(word) == tag) {
                return slot;
            }
            slot = slot + 1 == slots ? 0 : slot + 1;
        }
        return -1;
    }

    /**
     * Fills the hole at {@code hole} by moving later entries of its probe run back, each with one release
     * store, then clears the last hole. A crash in between leaves an entry in two slots, never in none;
     * adoption keeps one.
     */
    private void shiftBack(int hole) {
        int j = hole;
        for (int n = 0; n < slots; n++) {
            j = j + 1 == slots ? 0 : j + 1;
            long word = meta.getLong(geometry.slotOffset(id, j));
            if (word == 0) {
                break;
            }
            int home = home(tag(word));
            int fromHomeToHole = Math.floorMod(hole - home, slots);
            int fromHomeToJ = Math.floorMod(j - home, slots);
            if (fromHomeToHole < fromHomeToJ) {
                meta.putLongRelease(geometry.slotOffset(id, hole), word);
                WriteHook.reached(WriteHook.Point.SHIFTED);
                if (copyCursor >= 0 && j >= copyCursor && hole < copyCursor) {
                    journalMoved(word);
                }
                hole = j;
            }
        }
        meta.putLongRelease(geometry.slotOffset(id, hole), 0);
    }

    /** Makes the sequence odd, frees {@code oldBlock} and returns its block size (0 if it was not ours). */
    private long beginChange(long oldBlock) {
        sequence++;
        meta.putLongVolatile(sequenceOffset, sequence);
        int size = allocator.blockSizeAt(oldBlock);
        allocator.free(oldBlock);
        WriteHook.reached(WriteHook.Point.OLD_FREED);
        return Math.max(0, size);
    }

    private void endChange() {
        sequence++;
        meta.putLongRelease(sequenceOffset, sequence);
    }

    private void reserveSlot(int probes) {
        if (entries >= maxEntriesInSegment() || probes >= slots) {
            counters.capacityRejected();
            throw new KvsCapacityException("store '" + budget.storeName() + "' is full: segment " + id + " of "
                    + geometry.stripes() + " holds " + entries + " entries, the most its index of " + slots
                    + " slots takes (maxEntries = " + geometry.maxEntries() + "; raise maxEntries or stripes)");
        }
        try {
            budget.reserve();
        } catch (KvsCapacityException full) {
            counters.capacityRejected();
            throw full;
        }
    }

    /** 15/16 of the slots: probing stays bounded even when one segment gets more than its share. */
    private int maxEntriesInSegment() {
        return slots - Math.max(1, slots / 16);
    }

    private KvsCapacityException dataFull(int recordLength) {
        return new KvsCapacityException("store '" + budget.storeName() + "' is full: maxDataBytes = "
                + geometry.dataBytes() + " bytes (" + geometry.pageCount() + " pages of " + geometry.pageSize()
                + " bytes), every page in use and no free block for a " + recordLength + "-byte record");
    }

    private boolean holdsKey(long at, byte[] key, int keyLength) {
        if (!memory.inOnePage(at, align(recordLength(keyLength, 0), RECORD_ALIGNMENT))) {
            return false;
        }
        Memory m = memory.chunk(at);
        long local = memory.local(at);
        return m.getInt(local + RECORD_KEY_LENGTH_OFFSET) == keyLength
                && keyEquals(m, local + RECORD_HEADER_LENGTH, key, keyLength);
    }

    private int recordLengthAt(long at) {
        Memory m = memory.chunk(at);
        long local = memory.local(at);
        return recordLength(m.getInt(local + RECORD_KEY_LENGTH_OFFSET), m.getInt(local + RECORD_VALUE_LENGTH_OFFSET));
    }

    private void writeRecord(long at, byte[] key, int keyLength, byte[] value, int valueOffset, int valueLength) {
        Memory m = memory.chunk(at);
        long local = memory.local(at);
        m.putInt(local + RECORD_KEY_LENGTH_OFFSET, keyLength);
        m.putInt(local + RECORD_VALUE_LENGTH_OFFSET, valueLength);
        m.putInt(local + RECORD_FLAGS_OFFSET, 0);
        m.putLong(local + RECORD_EXPIRES_OFFSET, 0);
        m.putBytes(local + RECORD_HEADER_LENGTH, key, 0, keyLength);
        m.putBytes(local + RECORD_HEADER_LENGTH + keyLength, value, valueOffset, valueLength);
        m.putInt(
                local + RECORD_CHECKSUM_OFFSET,
                Hashing.checksum(seed, keyLength, valueLength, 0, 0, key, value, valueOffset));
    }

    private void publishStats() {
        meta.putLongRelease(headerOffset + SEGMENT_ENTRIES_OFFSET, entries);
        meta.putLongRelease(headerOffset + SEGMENT_LIVE_BYTES_OFFSET, liveBytes);
        meta.putLongRelease(headerOffset + SEGMENT_BLOCK_BYTES_OFFSET, blockBytes);
    }

    /**
     * A live copy moved an entry it had not reached yet into the part it has read: reports the entry to the
     * journal, as a SET of its current value, so that the copy plus the journal still hold it.
     */
    private void journalMoved(long word) {
        if (journal != null && readEntry(recordOffset(word)) >= 0) {
            journal.set(copyKey, copiedKeyLength, copyValue, 0, copiedValueLength);
        }
    }

    // Live copy (snapshots).

    /**
     * Starts a live copy of this segment from slot 0. Writes go on meanwhile; the copy plus what the journal
     * receives from now on hold every entry (see {@link Journal}).
     */
    void copyStart() {
        lock.lock();
        try {
            copyCursor = 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Hands the entries of up to {@code maxSlots} further slots to {@code sink}, under the lock, each
     * validated first (a corrupt record is skipped and counted). Returns false once the last slot was read,
     * which ends the copy.
     */
    boolean copyChunk(int maxSlots, EntrySink sink) {
        lock.lock();
        try {
            if (copyCursor < 0) {
                throw new IllegalStateException("no copy of segment " + id + " is running");
            }
            int end = (int) Math.min(slots, (long) copyCursor + Math.max(1, maxSlots));
            for (int slot = copyCursor; slot < end; slot++) {
                long word = meta.getLong(geometry.slotOffset(id, slot));
                if (word == 0) {
                    continue;
                }
                if (readEntry(recordOffset(word)) >= 0) {
                    sink.entry(copyKey, copiedKeyLength, copyValue, copiedValueLength);
                } else {
                    counters.corruptRead();
                }
            }
            copyCursor = end == slots ? -1 : end;
            return copyCursor >= 0;
        } finally {
            lock.unlock();
        }
    }

    /** Ends a copy early (the copier failed or was stopped). */
    void copyAbort() {
        lock.lock();
        try {
            copyCursor = -1;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads the record at {@code at} into {@link #copyKey} and {@link #copyValue} after validating it (inside
     * the data area and one page, lengths in range, checksum); its value length, or {@link #CORRUPT}.
     */
    private int readEntry(long at) {
        int maxBody = geometry.maxRecordLength() - RECORD_HEADER_LENGTH;
        if (!memory.inOnePage(at, RECORD_HEADER_LENGTH)) {
            return CORRUPT;
        }
        Memory m = memory.chunk(at);
        long local = memory.local(at);
        int keyLength = m.getInt(local + RECORD_KEY_LENGTH_OFFSET);
        int valueLength = m.getInt(local + RECORD_VALUE_LENGTH_OFFSET);
        if (keyLength < 0
                || valueLength < 0
                || keyLength > maxBody
                || valueLength > maxBody - keyLength
                || !memory.inOnePage(at, align(recordLength(keyLength, valueLength), RECORD_ALIGNMENT))) {
            return CORRUPT;
        }
        m.getBytes(local + RECORD_HEADER_LENGTH, copyKey, 0, keyLength);
        m.getBytes(local + RECORD_HEADER_LENGTH + keyLength, copyValue, 0, valueLength);
        int checksum = Hashing.checksum(
                seed,
                keyLength,
                valueLength,
                m.getInt(local + RECORD_FLAGS_OFFSET),
                m.getLong(local + RECORD_EXPIRES_OFFSET),
                copyKey,
                copyValue,
                0);
        if (checksum != m.getInt(local + RECORD_CHECKSUM_OFFSET)) {
            return CORRUPT;
        }
        copiedKeyLength = keyLength;
        copiedValueLength = valueLength;
        return valueLength;
    }

    // Adoption and statistics.

    /**
     * Places an adopted, already validated entry in the (cleared) index. Returns false, placing nothing, if
     * its key is already placed (only a scribbler makes two records of one key) or the index has no room.
     */
    boolean place(long word, byte[] key, int keyLength) {
        int slot = home(tag(word));
        for (int probes = 0; probes < slots; probes++) {
            long present = meta.getLong(geometry.slotOffset(id, slot));
            if (present == 0) {
                meta.putLong(geometry.slotOffset(id, slot), word);
                return true;
            }
            if (tag(present) == tag(word) && holdsKey(recordOffset(present), key, keyLength)) {
                return false;
            }
            slot = slot + 1 == slots ? 0 : slot + 1;
        }
        return false;
    }

    /** Called by adoption, before the segment serves, with what it rebuilt. */
    void adopted(long sequence, long entries, long liveBytes, long blockBytes) {
        this.sequence = sequence;
        this.entries = entries;
        this.liveBytes = liveBytes;
        this.blockBytes = blockBytes;
        meta.putLongVolatile(sequenceOffset, sequence);
        publishStats();
    }

    /** Live record bytes, block bytes and pages owned, read under the lock. */
    long[] usage() {
        lock.lock();
        try {
            return new long[] {liveBytes, blockBytes, allocator.pagesOwned()};
        } finally {
            lock.unlock();
        }
    }
}
