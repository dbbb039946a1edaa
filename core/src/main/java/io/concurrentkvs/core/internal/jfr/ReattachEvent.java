package io.concurrentkvs.core.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * A connection that had lost its server is attached again: {@code io.concurrentkvs.Reattach}. Recorded
 * on the connection's poller thread. Thread-safe (an instance is used by one thread).
 */
@Name("io.concurrentkvs.Reattach")
@Label("KVS Re-attach")
@Category({"Concurrent-KVS", "Client"})
@Description("A connection that had lost its server (stopped, dead, silent or restarted) is attached to a server again")
@StackTrace(false)
public final class ReattachEvent extends Event {
    @Label("Store")
    String store;

    @Label("Server Pid")
    @Description("Process id of the server the connection is now attached to")
    long serverPid;

    @Label("New Server")
    @Description("True if this is a new server (a restart); false if the same server came back (it had paused)")
    boolean newServer;

    @Label("Disconnected")
    @Description("How long the connection had no server")
    @Timespan(Timespan.NANOSECONDS)
    long disconnected;

    @Label("Down Reason")
    @Description("Why the connection had let go of its server")
    String downReason;

    /** Records the event if a recording wants it. */
    public static void record(
            String store, long serverPid, boolean newServer, long disconnectedNanos, String downReason) {
        ReattachEvent event = new ReattachEvent();
        if (event.shouldCommit()) {
            event.store = store;
            event.serverPid = serverPid;
            event.newServer = newServer;
            event.disconnected = disconnectedNanos;
            event.downReason = downReason;
            event.commit();
        }
    }
}
