package io.concurrentkvs.core.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * A server worker skipped a request-ring slot whose producer claimed it and did not publish it within
 * the stall timeout: {@code io.concurrentkvs.SlotSkipped}. Recorded on the worker thread (named
 * {@code kvs-<store>-worker-<n>}). Thread-safe (an instance is used by one thread).
 */
@Name("io.concurrentkvs.SlotSkipped")
@Label("KVS Ring Slot Skipped")
@Category({"Concurrent-KVS", "Server"})
@Description("A worker skipped a ring slot whose producer stalled between claiming and publishing it")
@StackTrace(false)
public final class SlotSkippedEvent extends Event {
    @Label("Ring Index")
    long ringIndex;

    @Label("Claimant")
    @Description("Client-table index of the producer that claimed the slot, -1 if unknown")
    int claimant;

    @Label("Stalled For")
    @Timespan(Timespan.NANOSECONDS)
    long stalledFor;

    /** Records the event if a recording wants it. */
    public static void record(long ringIndex, int claimant, long stalledForNanos) {
        SlotSkippedEvent event = new SlotSkippedEvent();
        if (event.shouldCommit()) {
            event.ringIndex = ringIndex;
            event.claimant = claimant;
            event.stalledFor = stalledForNanos;
            event.commit();
        }
    }
}
