package io.concurrentkvs.core.internal.region;

/**
 * Offsets of the region header: the first {@value #HEADER_LENGTH} bytes of every region.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+ block 0: identity and geometry
 *  |                      Magic "CKVSJVM\0" (64)                    |   0  written at creation
 *  +---------------------------------------------------------------+
 *  |            Layout version (major&lt;&lt;16 | minor)  WRITTEN LAST    |   8  the "ready" signal
 *  |                      Header length (1024)                     |  12
 *  |                      Region length (64)                       |  16
 *  |                      Ring offset (64)                         |  24
 *  |                      Ring capacity (slots)                    |  32
 *  |                      Ring slot size (bytes)                   |  36
 *  |                      Client table offset (64)                 |  40
 *  |                      Client capacity                          |  48
 *  |                      Client entry size                        |  52
 *  |                      Response area offset (64)                |  56
 *  |                      Response slots per client                |  64
 *  |                      Response slot size                       |  68
 *  |                      Max key bytes                            |  72
 *  |                      Max value bytes                          |  76
 *  |                      Ring stall timeout (ms)                  |  80
 *  |                      Heartbeat interval (ms)                  |  84
 *  |                      Server pid (64)                          |  88
 *  |                      Server process start, epoch ms (64)      |  96
 *  |                      Server epoch (64)                        | 104
 *  |                      Region created, epoch ms (64)            | 112
 *  |                      Workers                                  | 120
 *  |                      Stripes                                  | 124
 *  +---------------------------------------------------------------+ block 1 (128): server state
 *  |                      State (int)                              | 128
 *  +---------------------------------------------------------------+ block 2 (256): heartbeat
 *  |                      Server heartbeat, epoch ms (64)          | 256
 *  +---------------------------------------------------------------+ blocks 3-5 (384): counters
 *  |                      Counter[i] (64), i = 0 .. 47             | 384 + 8 i
 *  +---------------------------------------------------------------+ 768 .. 1023: reserved, zero
 * </pre>
 *
 * <p>Block 0 is immutable once the version word is set. State, heartbeat and counters are each on their
 * own 128-byte block so that writes to them do not invalidate the cache lines readers of the geometry
 * hold. Counter indices are in {@link Counters}.
 */
public final class RegionHeaderDescriptor {
    /** "CKVSJVM" and a zero byte, read as a little-endian long. */
    public static final long MAGIC = 0x004D564A53564B43L;

    public static final int MAJOR_VERSION = 3;
    public static final int MINOR_VERSION = 1;
    public static final int LAYOUT_VERSION = (MAJOR_VERSION << 16) | MINOR_VERSION;

    public static final int HEADER_LENGTH = 1024;
    public static final int BLOCK = 128;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 8;
    public static final int HEADER_LENGTH_OFFSET = 12;
    public static final int REGION_LENGTH_OFFSET = 16;
    public static final int RING_OFFSET_OFFSET = 24;
    public static final int RING_CAPACITY_OFFSET = 32;
    public static final int RING_SLOT_SIZE_OFFSET = 36;
    public static final int CLIENT_TABLE_OFFSET_OFFSET = 40;
    public static final int CLIENT_CAPACITY_OFFSET = 48;
    public static final int CLIENT_ENTRY_SIZE_OFFSET = 52;
    public static final int RESPONSE_OFFSET_OFFSET = 56;
    public static final int RESPONSE_SLOTS_PER_CLIENT_OFFSET = 64;
    public static final int RESPONSE_SLOT_SIZE_OFFSET = 68;
    public static final int MAX_KEY_BYTES_OFFSET = 72;
    public static final int MAX_VALUE_BYTES_OFFSET = 76;
    public static final int STALL_TIMEOUT_MS_OFFSET = 80;
    public static final int HEARTBEAT_INTERVAL_MS_OFFSET = 84;
    public static final int SERVER_PID_OFFSET = 88;
    public static final int SERVER_PROCESS_START_OFFSET = 96;
    public static final int EPOCH_OFFSET = 104;
    public static final int CREATED_MILLIS_OFFSET = 112;
    public static final int WORKERS_OFFSET = 120;
    public static final int STRIPES_OFFSET = 124;

    public static final int STATE_OFFSET = BLOCK;
    public static final int HEARTBEAT_OFFSET = 2 * BLOCK;
    public static final int COUNTERS_OFFSET = 3 * BLOCK;
    public static final int COUNTER_SLOTS = 48;

    /** Server states stored at {@link #STATE_OFFSET}. */
    public static final int STATE_INITIALIZING = 0;

    public static final int STATE_RUNNING = 1;
    public static final int STATE_STOPPING = 2;
    public static final int STATE_STOPPED = 3;

    private RegionHeaderDescriptor() {}

    public static int counterOffset(int index) {
        if (index < 0 || index >= COUNTER_SLOTS) {
            throw new IllegalArgumentException("counter index out of range: " + index);
        }
        return COUNTERS_OFFSET + 8 * index;
    }

    public static String stateName(int state) {
        switch (state) {
            case STATE_INITIALIZING:
                return "INITIALIZING";
            case STATE_RUNNING:
                return "RUNNING";
            case STATE_STOPPING:
                return "STOPPING";
            case STATE_STOPPED:
                return "STOPPED";
            default:
                return "UNKNOWN(" + state + ")";
        }
    }
}
