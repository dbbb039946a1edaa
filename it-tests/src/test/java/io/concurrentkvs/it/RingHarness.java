package io.concurrentkvs.it;

import static org.awaitility.Awaitility.await;

import io.concurrentkvs.core.internal.memory.Memory;
import io.concurrentkvs.core.internal.region.Processes;
import io.concurrentkvs.core.internal.region.Region;
import io.concurrentkvs.core.internal.region.RegionGeometry;
import io.concurrentkvs.core.internal.region.ServerIdentity;
import io.concurrentkvs.core.internal.ring.RequestRing;
import io.concurrentkvs.core.internal.ring.RequestRingDescriptor;
import io.concurrentkvs.core.internal.ring.RingConsumer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The consuming side of the cross-process ring tests: creates a region in {@code /dev/shm}, runs
 * consumer threads in this JVM that check every message into a {@link MessageLedger}, and starts
 * {@link RingProducerMain} JVMs that attach to it.
 *
 * <p>A stalled slot's claimant is "alive" while the producer process registered under its id is, so a
 * killed producer's slot is skipped after one stall timeout and a frozen one's after the hard limit.
 * Thread safety: the test thread calls every method; consumers run on their own threads.
 */
final class RingHarness implements AutoCloseable {
    static final int MAX_PRODUCERS = 32;
    static final long MAX_SEQUENCE = 8_000_000;

    private final ProcessFixture processes;
    private final Path path;
    private final Region region;
    private final RequestRing ring;
    private final long stallTimeoutNanos;
    private final MessageLedger ledger = new MessageLedger(MAX_PRODUCERS, MAX_SEQUENCE);
    private final Map<Integer, ProcessFixture.Child> producers = new ConcurrentHashMap<>();
    private final List<Thread> consumerThreads = new ArrayList<>();
    private final List<Consumer> consumers = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean running = true;

    RingHarness(ProcessFixture processes, int ringCapacity, Duration stallTimeout) {
        this.processes = processes;
        this.path = Path.of("/dev/shm", ProcessFixture.uniqueName("ring"));
        processes.deleteAfterTest(path);
        // Room for a message of up to 124 payload bytes per slot; no clients or responses are used.
        RegionGeometry geometry = new RegionGeometry(ringCapacity, 64, 64, 1, 1, (int) stallTimeout.toMillis(), 100);
        long now = System.currentTimeMillis();
        ServerIdentity identity =
                new ServerIdentity(Processes.currentPid(), Processes.currentStartMillis(), now, now, 1, 1);
        this.region = Region.create(path, geometry, Region.defaultPermissions(), identity);
        region.markReady();
        this.ring = region.ring();
        this.stallTimeoutNanos = stallTimeout.toNanos();
    }

    MessageLedger ledger() {
        return ledger;
    }

    RequestRing ring() {
        return ring;
    }

    /** Starts {@code count} consumer threads. */
    void startConsumers(int count) {
        for (int i = 0; i < count; i++) {
            Consumer consumer =
                    new Consumer(new RingConsumer(ring, stallTimeoutNanos, this::claimantAlive, System::nanoTime));
            Thread thread = new Thread(consumer, "ring-consumer-" + i);
            thread.setDaemon(true);
            consumers.add(consumer);
            consumerThreads.add(thread);
            thread.start();
        }
    }

    private boolean claimantAlive(int producer) {
        ProcessFixture.Child child = producers.get(producer);
        return child != null && child.isAlive();
    }

    /**
     * Starts a producer JVM with id {@code producer} and waits until it has attached. It sends nothing
     * before {@code go}.
     *
     * @param count messages to send, 0 for "until {@code stop}"
     * @param extraArgs further {@link RingProducerMain} arguments
     */
    ProcessFixture.Child startProducer(String label, int producer, long count, String... extraArgs) {
        List<String> args =
                new ArrayList<>(List.of(Args.of("path", path), Args.of("producer", producer), Args.of("count", count)));
        args.addAll(List.of(extraArgs));
        ProcessFixture.Child child = processes.start(label, RingProducerMain.class, args.toArray(String[]::new));
        producers.put(producer, child);
        child.awaitLine("READY", ServerProcess.STARTUP);
        return child;
    }

    /** Waits until {@code producer}'s messages counted by the ledger reach {@code count}. */
    void awaitReceived(int producer, long count, Duration timeout) {
        await("messages of producer " + producer + " to reach " + count)
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    requireHealthy();
                    return ledger.count(producer) >= count;
                });
    }

    /** Fails if a consumer thread died. */
    void requireHealthy() {
        Throwable t = failure.get();
        if (t != null) {
            throw new AssertionError("a consumer thread failed", t);
        }
    }

    /** Slots skipped as stalled by all consumers so far. */
    long skipped() {
        return consumers.stream().mapToLong(c -> c.skipped).sum();
    }

    /** Stops the consumers; the region file is removed by the fixture. */
    @Override
    public void close() {
        running = false;
        try {
            for (Thread thread : consumerThreads) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One consumer thread: takes messages, copies them out, frees the slot, records them. */
    private final class Consumer implements Runnable {
        private final RingConsumer ringConsumer;
        private final long[] lastSeen = ledger.newOrderTracker();
        private volatile long skipped;

        Consumer(RingConsumer ringConsumer) {
            this.ringConsumer = ringConsumer;
        }

        @Override
        public void run() {
            try {
                Memory memory = ring.memory();
                int capacity = ring.slotSize() - RequestRingDescriptor.PAYLOAD_OFFSET;
                int maxPayload = RingMessage.maxPayload(capacity);
                byte[] message = new byte[capacity];
                int idle = 0;
                while (running) {
                    long index = ringConsumer.poll();
                    if (index == RingConsumer.EMPTY) {
                        skipped = ringConsumer.skipped();
                        // Producers and consumers share two cores: spin briefly, then let others run.
                        if (++idle < 100) {
                            Thread.onSpinWait();
                        } else {
                            Thread.yield();
                        }
                        continue;
                    }
                    idle = 0;
                    long offset = ring.slotOffset(index) + RequestRingDescriptor.PAYLOAD_OFFSET;
                    int payload = memory.getInt(offset + 4);
                    int length = payload >= 0 && payload <= maxPayload ? RingMessage.length(payload) : -1;
                    if (length > 0) {
                        memory.getBytes(offset, message, 0, length);
                    }
                    ring.release(index);
                    ledger.record(message, length, lastSeen);
                }
                skipped = ringConsumer.skipped();
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }
    }
}
