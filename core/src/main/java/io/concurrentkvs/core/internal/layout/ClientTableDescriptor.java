package io.concurrentkvs.core.internal.layout;

/**
 * Layout of the client table: {@code clientCapacity} entries of {@value #ENTRY_SIZE} bytes.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |  State word (64): generation &lt;&lt; 8 | state                     |  0  CAS only
 *  +---------------------------------------------------------------+
 *  |  Client pid (64)                                               |  8
 *  +---------------------------------------------------------------+
 *  |  Client process start, epoch ms (64)                           | 16
 *  +---------------------------------------------------------------+
 *  |  Client heartbeat, epoch ms (64)                               | 24
 *  +---------------------------------------------------------------+
 *  |  Reserved (32 bytes, zero)                                     | 32
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * The generation (the upper 56 bits of the state word) increases every time the entry is claimed, so a
 * request or answer stamped with an older generation is recognisably stale.
 */
public final class ClientTableDescriptor {
    public static final int ENTRY_SIZE = 64;

    public static final int STATE_WORD_OFFSET = 0;
    public static final int PID_OFFSET = 8;
    public static final int PROCESS_START_OFFSET = 16;
    public static final int HEARTBEAT_OFFSET = 24;

    public static final int STATE_FREE = 0;
    public static final int STATE_REGISTERING = 1;
    public static final int STATE_ACTIVE = 2;

    private ClientTableDescriptor() {}

    public static long stateWord(long generation, int state) {
        return (generation << 8) | state;
    }

    public static int state(long stateWord) {
        return (int) (stateWord & 0xFF);
    }

    public static long generation(long stateWord) {
        return stateWord >>> 8;
    }
}
