package io.concurrentkvs.core.internal.server;

import static io.concurrentkvs.core.internal.ring.RequestRingDescriptor.BATCH_ID_OFFSET;

import io.concurrentkvs.core.internal.memory.HeapMemory;
import io.concurrentkvs.core.internal.ring.RequestRing;
import io.concurrentkvs.core.internal.ring.RequestRingDescriptor;
import io.concurrentkvs.core.internal.ring.RingConsumer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Per-client order across workers, in both Lincheck modes: two clients send numbered batches through a
 * real ring, and every thread that takes a batch is a worker with its own ring consumer and gate entry.
 * A take answers {@code true} only if its batch was the next one of its client to be applied, so any
 * interleaving in which the gate lets a client's later batch be applied before an earlier one fails
 * the sequential specification (where a take always applies the oldest batch).
 *
 * <p>Each client's sends are serialised here, as a connection's driving thread serialises them; takes
 * wait while the head slot is claimed but unpublished, as in {@code RequestRingLincheckTest}.
 */
public class ClientOrderGateLincheckTest {
    private static final int CAPACITY = 8;
    private static final int WORKERS = 3;
    private static final int SLOT = RequestRingDescriptor.slotSize(8, 8);

    private final RequestRing ring;
    private final ClientOrderGate gate = new ClientOrderGate(WORKERS);
    private final RingConsumer[] consumers = new RingConsumer[WORKERS];
    private final ConcurrentHashMap<Thread, Integer> workerOfThread = new ConcurrentHashMap<>();
    private final AtomicInteger nextWorker = new AtomicInteger();
    private final long[] sent = new long[2];
    private final AtomicLongArray applied = new AtomicLongArray(2);

    public ClientOrderGateLincheckTest() {
        ring = new RequestRing(new HeapMemory((int) RequestRingDescriptor.length(CAPACITY, SLOT)), CAPACITY, SLOT);
        ring.initialize();
        for (int w = 0; w < WORKERS; w++) {
            consumers[w] = new RingConsumer(ring, Long.MAX_VALUE / 8, c -> true, () -> 0L, gate.announcerFor(w, ring));
        }
    }

    @Operation
    public boolean sendA() {
        return send(0);
    }

    @Operation
    public boolean sendB() {
        return send(1);
    }

    private boolean send(int client) {
        synchronized (sent) {
            long index = ring.claim(client);
            if (index == RequestRing.FULL) {
                return false;
            }
            ring.memory().putLong(ring.slotOffset(index) + BATCH_ID_OFFSET, ++sent[client]);
            return ring.publish(index);
        }
    }

    /** Takes and applies the oldest batch as a worker does; null if the ring is empty. */
    @Operation
    public Boolean take() {
        int worker = workerOfThread.computeIfAbsent(Thread.currentThread(), t -> nextWorker.getAndIncrement());
        RingConsumer consumer = consumers[worker];
        while (true) {
            long index = consumer.poll();
            if (index != RingConsumer.EMPTY) {
                return apply(worker, index);
            }
            long consumed = ring.memory().getLongVolatile(RequestRingDescriptor.CONSUMER_INDEX_OFFSET);
            if (ring.memory().getLongVolatile(RequestRingDescriptor.PRODUCER_INDEX_OFFSET) <= consumed
                    && ring.memory().getLongVolatile(RequestRingDescriptor.CONSUMER_INDEX_OFFSET) == consumed) {
                return null;
            }
            Thread.onSpinWait();
        }
    }

    private boolean apply(int worker, long index) {
        long slot = ring.slotOffset(index);
        int client = ring.memory().getInt(slot + RequestRingDescriptor.CLIENT_INDEX_OFFSET);
        long sequence = ring.memory().getLong(slot + BATCH_ID_OFFSET);
        gate.awaitEarlierBatches(worker, index, client);
        boolean inOrder = applied.get(client) == sequence - 1;
        applied.set(client, sequence);
        ring.release(index);
        gate.clear(worker);
        return inOrder;
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions()
                .iterations(20)
                .invocationsPerIteration(300)
                .threads(3)
                .actorsPerThread(2)
                .sequentialSpecification(OrderedBatches.class)
                .check(getClass());
    }

    @Test
    void stress() {
        new StressOptions()
                .iterations(20)
                .invocationsPerIteration(1000)
                .threads(3)
                .actorsPerThread(3)
                .sequentialSpecification(OrderedBatches.class)
                .check(getClass());
    }

    /** The sequential specification: a bounded FIFO of batches, each applied in its client's order. */
    public static final class OrderedBatches {
        private int queued;

        public boolean sendA() {
            return send();
        }

        public boolean sendB() {
            return send();
        }

        private boolean send() {
            if (queued == CAPACITY) {
                return false;
            }
            queued++;
            return true;
        }

        public Boolean take() {
            if (queued == 0) {
                return null;
            }
            queued--;
            return true;
        }
    }
}
