package io.concurrentkvs.core.internal.server;

import static io.concurrentkvs.core.internal.layout.ClientTableDescriptor.*;

import io.concurrentkvs.core.internal.jfr.ClientReapedEvent;
import io.concurrentkvs.core.internal.layout.ClientTable;
import io.concurrentkvs.core.internal.region.Processes;

/**
 * Frees the client-table entries of clients that died: the process is gone (or its pid was reused), or
 * its heartbeat has not changed for the client timeout (a frozen client). Staleness is judged by
 * whether the heartbeat value changed, measured on this process's clock, so no clock is compared across
 * processes. Called only from the server's monitor thread.
 */
final class ClientReaper {
    private final ClientTable table;
    private final long clientTimeoutNanos;
    private final long[] lastWord;
    private final long[] lastHeartbeat;
    private final long[] lastChange;
    private volatile long reclaimed;
    private long scans;

    /** Reading a process's liveness costs tens of microseconds of /proc reads: do it every 8th scan. */
    private static final int LIVENESS_EVERY = 8;

    ClientReaper(ClientTable table, long clientTimeoutNanos) {
        this.table = table;
        this.clientTimeoutNanos = clientTimeoutNanos;
        this.lastWord = new long[table.capacity()];
        this.lastHeartbeat = new long[table.capacity()];
        this.lastChange = new long[table.capacity()];
    }

    /** One pass over the table. */
    void scan(long nowNanos) {
        boolean checkProcesses = scans++ % LIVENESS_EVERY == 0;
        for (int i = 0; i < table.capacity(); i++) {
            long word = table.stateWord(i);
            if (state(word) == STATE_FREE) {
                lastWord[i] = word;
                continue;
            }
            long heartbeat = table.heartbeatOf(i);
            if (word != lastWord[i] || heartbeat != lastHeartbeat[i]) {
                lastWord[i] = word;
                lastHeartbeat[i] = heartbeat;
                lastChange[i] = nowNanos;
            }
            // A REGISTERING entry's pid may not be written yet: judge it by the timeout alone. An ACTIVE
            // entry's pid was written before the CAS that activated it.
            boolean active = state(word) == STATE_ACTIVE;
            boolean silent = nowNanos - lastChange[i] > clientTimeoutNanos;
            boolean gone = !silent
                    && active
                    && checkProcesses
                    && !Processes.isAlive(table.pid(i), table.processStartMillis(i));
            if (silent || gone) {
                long pid = table.pid(i);
                if (table.reclaim(i, word)) {
                    reclaimed++;
                    ClientReapedEvent.record(
                            i,
                            pid,
                            silent ? ClientReapedEvent.NO_HEARTBEAT : ClientReapedEvent.PROCESS_GONE,
                            nowNanos - lastChange[i]);
                }
            }
        }
    }

    /** Whether the client at {@code index} is registered and its process alive; for stalled-slot checks. */
    boolean isAlive(int index) {
        if (index < 0 || index >= table.capacity()) {
            return false;
        }
        long word = table.stateWord(index);
        return state(word) != STATE_FREE && Processes.isAlive(table.pid(index), table.processStartMillis(index));
    }

    long reclaimed() {
        return reclaimed;
    }
}
