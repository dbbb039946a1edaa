package io.concurrentkvs.core.internal.server;

import io.concurrentkvs.core.internal.layout.ResponseSlots;
import io.concurrentkvs.core.internal.persist.LogWriter;
import io.concurrentkvs.core.internal.region.Counters;

/**
 * One worker's answered-but-unacknowledged batches under {@code FsyncPolicy.ALWAYS}: each batch that wrote
 * is sealed at once and waits here, with the log position after its records, until the log is forced past
 * that position; then its ticket is completed and the client sees the answers. Meanwhile the worker goes on
 * applying batches, so every record appended while one force runs is covered by the next (group commit).
 *
 * <p>If the log fails, waiting batches are never acknowledged: they are counted as stale and their clients
 * fail with the server, which stops.
 *
 * <p>Not thread-safe: owned by its worker.
 */
final class DeferredAnswers {
    /** At most this many batches wait; then the worker waits for the oldest before taking more. */
    private static final int CAPACITY = 1024;

    private final ResponseSlots responses;
    private final LogWriter log;
    private final WorkerCounters counters;
    private final int[] clients = new int[CAPACITY];
    private final int[] firsts = new int[CAPACITY];
    private final int[] counts = new int[CAPACITY];
    private final long[] batchIds = new long[CAPACITY];
    private final long[] positions = new long[CAPACITY];
    private int head;
    private int size;

    DeferredAnswers(ResponseSlots responses, LogWriter log, WorkerCounters counters) {
        this.responses = responses;
        this.log = log;
        this.counters = counters;
    }

    /** Holds a sealed run until the log is durable through {@code position}. */
    void add(int client, int first, long batchId, int count, long position) {
        if (size == CAPACITY) {
            awaitThrough(positions[head]);
        }
        int at = (head + size) % CAPACITY;
        clients[at] = client;
        firsts[at] = first;
        counts[at] = count;
        batchIds[at] = batchId;
        positions[at] = position;
        size++;
    }

    /** Completes every waiting run the log now holds on disk; never blocks. */
    void completeDurable() {
        if (size > 0) {
            completeThrough(log.durablePosition());
        }
    }

    /**
     * The ring is empty: waits up to {@code nanos} for the newest waiting run to be durable (woken by the
     * log's force, not by a poll), completing what became durable. The worker then looks at the ring again.
     */
    void awaitBriefly(long nanos) {
        if (size == 0) {
            return;
        }
        LogWriter.Durability seen = log.awaitDurable(positions[(head + size - 1) % CAPACITY], nanos);
        if (seen == LogWriter.Durability.FAILED) {
            abandonAll();
        } else {
            completeThrough(log.durablePosition());
        }
    }

    /** Waits until every waiting run is durable and completes them (the worker is stopping). */
    void awaitAll() {
        if (size > 0) {
            awaitThrough(positions[(head + size - 1) % CAPACITY]);
        }
    }

    private void awaitThrough(long position) {
        if (log.awaitDurable(position)) {
            completeThrough(log.durablePosition());
        } else {
            abandonAll();
        }
    }

    private void completeThrough(long durable) {
        while (size > 0 && positions[head] <= durable) {
            if (!responses.completeAnswers(clients[head], firsts[head], batchIds[head])) {
                counters.add(Counters.STALE_ANSWERS, counts[head]);
            }
            head = (head + 1) % CAPACITY;
            size--;
        }
    }

    /** The log failed: these writes may not be on disk, so they are never acknowledged. */
    private void abandonAll() {
        while (size > 0) {
            counters.add(Counters.STALE_ANSWERS, counts[head]);
            head = (head + 1) % CAPACITY;
            size--;
        }
    }

    int waiting() {
        return size;
    }
}
