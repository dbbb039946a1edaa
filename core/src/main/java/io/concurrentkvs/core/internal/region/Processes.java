package io.concurrentkvs.core.internal.region;

import java.time.Instant;
import java.util.Optional;

/**
 * Process identity as the region records it: a pid plus the process start time, so a recycled pid is
 * not mistaken for the process that registered. Stateless; reads {@code /proc} through
 * {@link ProcessHandle}, which costs microseconds: never call it on a request path.
 */
public final class Processes {
    /** Start times read by different processes can differ by rounding; a reused pid starts much later. */
    private static final long START_TOLERANCE_MS = 1_000;

    private Processes() {}

    public static long currentPid() {
        return ProcessHandle.current().pid();
    }

    /** Start of the current process in epoch milliseconds, or 0 when the platform does not say. */
    public static long currentStartMillis() {
        return startMillis(ProcessHandle.current());
    }

    private static long startMillis(ProcessHandle handle) {
        return handle.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    /**
     * Whether the process {@code pid} that started at {@code startMillis} (0: unknown) is still alive.
     */
    public static boolean isAlive(long pid, long startMillis) {
        if (pid <= 0) {
            return false;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return false;
        }
        if (startMillis == 0) {
            return true;
        }
        long actual = startMillis(handle.get());
        return actual == 0 || Math.abs(actual - startMillis) <= START_TOLERANCE_MS;
    }
}
