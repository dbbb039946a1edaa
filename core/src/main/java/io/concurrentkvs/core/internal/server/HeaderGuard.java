package io.concurrentkvs.core.internal.server;

import io.concurrentkvs.core.internal.memory.Memory;
import io.concurrentkvs.core.internal.region.Region;
import io.concurrentkvs.core.internal.region.RegionHeaderDescriptor;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the header's immutable block and the server state as the server wrote them: a process with
 * write access that scribbles over them would otherwise lock every new client out (they would see a
 * wrong magic or geometry). Called from the server's monitor thread once per heartbeat.
 */
final class HeaderGuard {
    private static final Logger LOG = LoggerFactory.getLogger(HeaderGuard.class);

    private final Memory header;
    private final byte[] expected = new byte[RegionHeaderDescriptor.BLOCK];
    private final byte[] current = new byte[RegionHeaderDescriptor.BLOCK];
    private long restores;

    HeaderGuard(Region region) {
        this.header = region.header();
    }

    /** Records block 0 as it is now; call once the region is marked ready. */
    void snapshot() {
        header.getBytes(0, expected, 0, expected.length);
    }

    /**
     * Restores block 0 and the state word if they differ from what the server wrote.
     *
     * @param expectedState the state the server means to be in; read after the state word, and
     *     changed by the server before it writes a new state, so a concurrent stop is never undone
     */
    void restoreIfChanged(java.util.function.IntSupplier expectedState) {
        header.getBytes(0, current, 0, current.length);
        if (!Arrays.equals(current, expected)) {
            // The version word is the ready signal: write it last, as at creation.
            header.putIntVolatile(RegionHeaderDescriptor.VERSION_OFFSET, 0);
            header.putBytes(0, expected, 0, RegionHeaderDescriptor.VERSION_OFFSET);
            header.putBytes(
                    RegionHeaderDescriptor.VERSION_OFFSET + 4,
                    expected,
                    RegionHeaderDescriptor.VERSION_OFFSET + 4,
                    expected.length - RegionHeaderDescriptor.VERSION_OFFSET - 4);
            header.putIntRelease(RegionHeaderDescriptor.VERSION_OFFSET, RegionHeaderDescriptor.LAYOUT_VERSION);
            restores++;
            LOG.warn("region header was overwritten by another process; restored it ({} times so far)", restores);
        }
        int state = header.getIntVolatile(RegionHeaderDescriptor.STATE_OFFSET);
        int wanted = expectedState.getAsInt();
        if (state != wanted) {
            header.compareAndSetInt(RegionHeaderDescriptor.STATE_OFFSET, state, wanted);
        }
    }
}
