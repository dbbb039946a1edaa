package io.concurrentkvs.core.internal.region;

/**
 * Layout of the lock file {@code <region path>.lock}: one fixed-size record, written by the lock's holder
 * through the locked descriptor right after it takes the lock. Little-endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                      Magic "CKVSLOCK" (64)                    |   0
 *  +---------------------------------------------------------------+
 *  |                      Record version (1)                       |   8
 *  |                      Reserved, zero                           |  12
 *  |                      Holder pid (64)                          |  16
 *  |                      Token: random, non-zero (64)             |  24
 *  +---------------------------------------------------------------+  32 = file length
 * </pre>
 *
 * <p>The pid is only for messages ("in use by pid N"). The token tells the holder whether the path still
 * names the file it locked: it reads the record back through a second descriptor opened by path. An
 * empty file is one a holder created and had not written yet; any other length, magic or version is not
 * a lock file of this library and is refused, never overwritten. Constants only; {@code RegionLockTest}
 * pins them and docs/PROTOCOL.md describes them.
 */
public final class LockFileDescriptor {
    /** "CKVSLOCK" read as a little-endian long. */
    public static final long MAGIC = 0x4B434F4C53564B43L;
    /** Version of the record layout; a reader refuses any other. */
    public static final int VERSION = 1;

    /** Offset of the magic (long). */
    public static final int MAGIC_OFFSET = 0;
    /** Offset of the record version (int). */
    public static final int VERSION_OFFSET = 8;
    /** Offset of the reserved int, written as zero and not checked. */
    public static final int RESERVED_OFFSET = 12;
    /** Offset of the holder's pid (long). */
    public static final int PID_OFFSET = 16;
    /** Offset of the holder's token (long, never zero). */
    public static final int TOKEN_OFFSET = 24;
    /** Length of the record and of a valid lock file. */
    public static final int LENGTH = 32;

    private LockFileDescriptor() {}
}
