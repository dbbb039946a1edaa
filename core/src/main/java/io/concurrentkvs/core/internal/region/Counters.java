package io.concurrentkvs.core.internal.region;

/**
 * Indices of the statistics counters in the region header ({@link RegionHeaderDescriptor#counterOffset}).
 *
 * <p>The server's monitor thread publishes totals here once per heartbeat; workers count in private
 * memory so the hot path never contends on a shared cache line. Readers (for example {@code kvs stats})
 * see values at most one heartbeat old.
 */
public enum Counters {
    GETS,
    GET_HITS,
    SETS,
    POSTS,
    POST_REJECTED,
    DELS,
    DEL_HITS,
    MALFORMED_REQUESTS,
    STALE_ANSWERS,
    SKIPPED_SLOTS,
    CLIENTS_CONNECTED,
    CLIENTS_RECLAIMED,
    STORED_ENTRIES,
    RING_DEPTH,
    /** Corrupt ring indices or sequences the workers repaired (only a buggy or hostile writer causes them). */
    RING_REPAIRS,
    /** Writes refused because the store was full. */
    CAPACITY_REJECTIONS,
    /** Entries the store found damaged (bad bounds or checksum) and answered absent, or dropped on adoption. */
    CORRUPT_ENTRIES,
    /**
     * Batches dropped because their seal did not match: torn by a producer that was skipped as stalled
     * and wrote on into the slot's next lap, or forged. Their requests were not applied.
     */
    REJECTED_BATCHES,
    /** Writes refused unapplied because the persistence log could not take them (a full disk). Layout 3.1. */
    PERSISTENCE_REFUSALS,
    /** Bytes of log in the persistence directory since its last snapshot. */
    LOG_BYTES,
    /** When the log was last forced to disk, epoch milliseconds; 0 if never. */
    LAST_FSYNC_MILLIS,
    /** When this server last wrote a snapshot, epoch milliseconds; 0 if never. */
    LAST_SNAPSHOT_MILLIS,
    /** Bytes of the newest snapshot. */
    SNAPSHOT_BYTES,
    /** The fsync policy: 0 without persistence, else 1 + the ordinal of {@code FsyncPolicy}. */
    FSYNC_POLICY,
    /** Bytes of log records dropped because the log had failed (the server stops then). */
    LOG_BYTES_DROPPED;

    public int offset() {
        return RegionHeaderDescriptor.counterOffset(ordinal());
    }
}
