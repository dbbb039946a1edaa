package io.concurrentkvs.core.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A server worker repaired the request ring, which only a buggy or hostile writer breaks:
 * {@code io.concurrentkvs.RingRepair}. Recorded on the worker thread (named
 * {@code kvs-<store>-worker-<n>}). Thread-safe (an instance is used by one thread).
 */
@Name("io.concurrentkvs.RingRepair")
@Label("KVS Ring Repair")
@Category({"Concurrent-KVS", "Server"})
@Description(
        "A worker repaired corrupt request-ring indices or a corrupt slot sequence (written by a buggy or hostile process)")
@StackTrace(false)
public final class RingRepairEvent extends Event {
    /** {@link #kind} of a repair of the consumer and producer indices. */
    public static final String INDICES = "indices";
    /** {@link #kind} of a repair of one unclaimed slot's sequence. */
    public static final String SEQUENCE = "sequence";

    @Label("Kind")
    @Description("indices: the consumer and producer indices; sequence: one unclaimed slot's sequence")
    String kind;

    @Label("Consumer Index")
    @Description("The consumer index seen before the repair")
    long consumerIndex;

    @Label("Producer Index")
    @Description("The producer index seen before the repair")
    long producerIndex;

    /** Records the event if a recording wants it. */
    public static void record(String kind, long consumerIndex, long producerIndex) {
        RingRepairEvent event = new RingRepairEvent();
        if (event.shouldCommit()) {
            event.kind = kind;
            event.consumerIndex = consumerIndex;
            event.producerIndex = producerIndex;
            event.commit();
        }
    }
}
