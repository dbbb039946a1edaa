package io.concurrentkvs.it;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the consumers of a ring test received: one bit per (producer, sequence) seen, plus counts of
 * duplicates, corrupt messages and order violations. Thread-safe: consumer threads record, the test
 * thread reads.
 */
final class MessageLedger {
    private final AtomicLongArray[] seen;
    private final LongAdder[] counts;
    private final long maxSequence;
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder corrupted = new LongAdder();
    private final LongAdder outOfOrder = new LongAdder();

    MessageLedger(int producers, long maxSequence) {
        this.maxSequence = maxSequence;
        this.seen = new AtomicLongArray[producers];
        this.counts = new LongAdder[producers];
        for (int p = 0; p < producers; p++) {
            seen[p] = new AtomicLongArray((int) ((maxSequence + 63) / 64));
            counts[p] = new LongAdder();
        }
    }

    /** A per-consumer record of the last sequence seen from each producer. */
    long[] newOrderTracker() {
        long[] last = new long[counts.length];
        java.util.Arrays.fill(last, -1);
        return last;
    }

    /**
     * Records message bytes {@code [0, length)} as received by the consumer that owns {@code last}.
     * A length of -1 means the slot's length field was already out of range.
     */
    void record(byte[] message, int length, long[] last) {
        if (length < 0 || !RingMessage.isIntact(message, length)) {
            corrupted.increment();
            return;
        }
        int producer = RingMessage.producer(message);
        long sequence = RingMessage.sequence(message);
        if (producer < 0 || producer >= counts.length || sequence < 0 || sequence >= maxSequence) {
            corrupted.increment();
            return;
        }
        // One producer publishes its messages one after another, and a consumer claims ring indices in
        // increasing order: so each consumer must see each producer's sequences increase.
        if (sequence <= last[producer]) {
            outOfOrder.increment();
        }
        last[producer] = sequence;
        if (markSeen(producer, sequence)) {
            counts[producer].increment();
        } else {
            duplicates.increment();
        }
    }

    private boolean markSeen(int producer, long sequence) {
        AtomicLongArray bits = seen[producer];
        int word = (int) (sequence >>> 6);
        long mask = 1L << (sequence & 63);
        long old;
        do {
            old = bits.get(word);
            if ((old & mask) != 0) {
                return false;
            }
        } while (!bits.compareAndSet(word, old, old | mask));
        return true;
    }

    private boolean isSeen(int producer, long sequence) {
        return (seen[producer].get((int) (sequence >>> 6)) & (1L << (sequence & 63))) != 0;
    }

    /** Distinct messages received from {@code producer}. */
    long count(int producer) {
        return counts[producer].sum();
    }

    long total() {
        long total = 0;
        for (LongAdder count : counts) {
            total += count.sum();
        }
        return total;
    }

    long duplicates() {
        return duplicates.sum();
    }

    long corrupted() {
        return corrupted.sum();
    }

    long outOfOrder() {
        return outOfOrder.sum();
    }

    /** Up to {@code limit} sequences below {@code end} never received from {@code producer}. */
    List<Long> missing(int producer, long end, int limit) {
        List<Long> missing = new ArrayList<>();
        for (long s = 0; s < end && missing.size() < limit; s++) {
            if (!isSeen(producer, s)) {
                missing.add(s);
            }
        }
        return missing;
    }

    /** Whether exactly sequences {@code 0 .. count(producer) - 1} were received: nothing but a tail is missing. */
    boolean receivedAPrefix(int producer) {
        long count = count(producer);
        return missing(producer, count, 1).isEmpty();
    }
}
