package io.concurrentkvs.core.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * A request got no answer within its timeout: {@code io.concurrentkvs.RequestTimeout}. Recorded on the
 * connection's poller thread as it fails the request. Thread-safe (an instance is used by one thread).
 */
@Name("io.concurrentkvs.RequestTimeout")
@Label("KVS Request Timeout")
@Category({"Concurrent-KVS", "Client"})
@Description("A request got no answer within its timeout and failed with KvsTimeoutException")
@StackTrace(false)
public final class RequestTimeoutEvent extends Event {
    @Label("Store")
    @Description("The store name the connection is attached to")
    String store;

    @Label("Operation")
    @Description("GET, SET, POST or DEL")
    String operation;

    @Label("Timeout")
    @Timespan(Timespan.NANOSECONDS)
    long timeout;

    @Label("Sent")
    @Description("Whether the request was sent to the server (false: it waited for a free response slot)")
    boolean sent;

    /** Records the event if a recording wants it. */
    public static void record(String store, String operation, long timeoutNanos, boolean sent) {
        RequestTimeoutEvent event = new RequestTimeoutEvent();
        if (event.shouldCommit()) {
            event.store = store;
            event.operation = operation;
            event.timeout = timeoutNanos;
            event.sent = sent;
            event.commit();
        }
    }
}
