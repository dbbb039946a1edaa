package io.concurrentkvs.core.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * The server reclaimed the client-table entry of a client that died or froze:
 * {@code io.concurrentkvs.ClientReaped}. Recorded on the server's monitor thread (named
 * {@code kvs-<store>-monitor}). Thread-safe (an instance is used by one thread).
 */
@Name("io.concurrentkvs.ClientReaped")
@Label("KVS Client Reaped")
@Category({"Concurrent-KVS", "Server"})
@Description("The server reclaimed the client-table entry of a client whose process is gone or whose heartbeat stopped")
@StackTrace(false)
public final class ClientReapedEvent extends Event {
    /** {@link #reason} when the client's process is gone (or its pid was reused). */
    public static final String PROCESS_GONE = "process gone";
    /** {@link #reason} when the client's heartbeat did not change for the client timeout. */
    public static final String NO_HEARTBEAT = "no heartbeat";

    @Label("Client Index")
    int clientIndex;

    @Label("Client Pid")
    @Description("Process id the entry was registered by (0 if it was still registering)")
    long clientPid;

    @Label("Reason")
    @Description("process gone, or no heartbeat")
    String reason;

    @Label("Silent For")
    @Description("How long the entry had not changed when it was reclaimed")
    @Timespan(Timespan.NANOSECONDS)
    long silentFor;

    /** Records the event if a recording wants it. */
    public static void record(int clientIndex, long clientPid, String reason, long silentForNanos) {
        ClientReapedEvent event = new ClientReapedEvent();
        if (event.shouldCommit()) {
            event.clientIndex = clientIndex;
            event.clientPid = clientPid;
            event.reason = reason;
            event.silentFor = silentForNanos;
            event.commit();
        }
    }
}
