package io.concurrentkvs.core;

/**
 * When a server with {@link KvsServer.Builder#persistence persistence} forces its log to disk: how many
 * acknowledged writes a power loss may cost. A process crash costs none under any policy: the entries live
 * in shared memory, which the next server adopts.
 */
public enum FsyncPolicy {
    /**
     * A write is acknowledged only once its log record is on disk (written and forced). Concurrent writes
     * share one force (group commit): a worker goes on applying requests while the log is forced, and their
     * records are forced together next.
     */
    ALWAYS,
    /**
     * The log is written within 10 ms of each write and forced about once a second, in the background: a power loss
     * or an operating system crash loses at most about the last second of acknowledged writes. The
     * default.
     */
    EVERY_SECOND,
    /** The log is written within 10 ms of each write and never forced: the operating system decides when it reaches the disk. */
    NEVER
}
