package io.concurrentkvs.it;

import io.concurrentkvs.core.internal.layout.ClientTable;
import io.concurrentkvs.core.internal.layout.RequestIds;
import io.concurrentkvs.core.internal.layout.ResponseSlotDescriptor;
import io.concurrentkvs.core.internal.layout.ResponseSlots;
import io.concurrentkvs.core.internal.layout.ResponseStatus;
import io.concurrentkvs.core.internal.memory.Memory;
import io.concurrentkvs.core.internal.region.Processes;
import io.concurrentkvs.core.internal.region.Region;
import io.concurrentkvs.core.internal.region.RegionGeometry;
import io.concurrentkvs.core.internal.ring.BatchFormat;
import io.concurrentkvs.core.internal.ring.Opcodes;
import io.concurrentkvs.core.internal.ring.RequestRing;
import io.concurrentkvs.core.internal.ring.RequestRingDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A client that writes its batches into the ring by hand, one record at a time, so that a {@code kill -9}
 * can land between claiming a ring slot and publishing it with a whole batch half written.
 *
 * <p>It registers in the client table like a real client (and heartbeats its entry every 100 ms from a
 * daemon thread), then sends batch {@code b = 0, 1, ...}: {@code K} SET records (K random in [2, the most
 * that fit the slot and the client's response block]) of key {@code p<producer>-b<b>-i<i>} and value
 * {@link #value}, answered in response slots {@code [0, K)} under batch id {@code (generation, b + 1)}.
 * Between two records it busy-waits {@code recordPauseMicros}, to widen the window in which the batch is
 * claimed but not published. One batch at a time: it waits for the answers before the next.
 *
 * <p>Arguments: {@code path} (region file), {@code producer} (id, part of every key), {@code seed} (batch
 * sizes), {@code recordPauseMicros} (default 20), {@code holdAtBatch} (optional: at that batch, write half
 * the records, print {@code HOLD <b> <K> index=<ring index>} and never publish), {@code answerTimeoutMs}
 * (default 30000).
 *
 * <p>Protocol: prints {@code READY pid=<pid> client=<table index>}, waits for {@code go}; then per batch
 * {@code BEGIN <b> <K>} before claiming, {@code RESEND <b>} if a worker skipped the slot as stalled
 * (the same batch is claimed and written again), and {@code ACK <b> <K>} once all K answers are TRUE. On
 * {@code stop} (or the end of input) it finishes the batch in hand, unregisters and prints
 * {@code DONE batches=<n> resent=<r>}. Anything unexpected (no answer in time, a wrong answer, the entry
 * reaped) prints {@code FAILED ...} and exits with code 2.
 */
public final class BatchProducerMain {
    private static final long HEARTBEAT_MILLIS = 100;

    private final int producer;
    private final Memory ring;
    private final RequestRing requests;
    private final ResponseSlots responses;
    private final ClientTable table;
    private final ClientTable.Registration me;
    private final RegionGeometry geometry;
    private final long pauseNanos;
    private final long answerTimeoutNanos;
    private final SplittableRandom random;
    private long resent;

    private BatchProducerMain(Region region, int producer, long seed, long pauseNanos, long answerTimeoutNanos) {
        this.producer = producer;
        this.geometry = region.geometry();
        this.requests = region.ring();
        this.ring = requests.memory();
        this.responses = region.responseSlots();
        this.table = region.clientTable();
        this.pauseNanos = pauseNanos;
        this.answerTimeoutNanos = answerTimeoutNanos;
        this.random = new SplittableRandom(seed);
        this.me = register();
    }

    public static void main(String[] argv) throws InterruptedException {
        Args args = Args.parse(argv);
        Region region = Region.attach(Path.of(args.string("path")));
        int producer = args.integer("producer", 0);
        BatchProducerMain main = new BatchProducerMain(
                region,
                producer,
                args.longValue("seed", producer),
                TimeUnit.MICROSECONDS.toNanos(args.longValue("recordPauseMicros", 20)),
                TimeUnit.MILLISECONDS.toNanos(args.longValue("answerTimeoutMs", 30_000)));
        main.startHeartbeat();
        Stdin stdin = Stdin.start();
        Stdin.report("READY pid=" + ProcessHandle.current().pid() + " client=" + main.me.index());
        stdin.awaitCommand("go");
        long holdAt = args.longValue("holdAtBatch", -1);
        long batch = 0;
        for (; !isStop(stdin.poll()); batch++) {
            if (batch == holdAt) {
                main.holdHalfWritten(batch, stdin);
            }
            main.send(batch);
        }
        main.table.unregister(main.me);
        Stdin.report("DONE batches=" + batch + " resent=" + main.resent);
        System.exit(0);
    }

    /** The value of record {@code i} of batch {@code batch} of {@code producer}. */
    public static String value(int producer, long batch, int i) {
        return "v" + producer + "." + batch + "." + i;
    }

    /** The key of record {@code i} of batch {@code batch} of {@code producer}. */
    public static String key(int producer, long batch, int i) {
        return "p" + producer + "-b" + batch + "-i" + i;
    }

    private static boolean isStop(String command) {
        return "stop".equals(command) || Stdin.EOF.equals(command);
    }

    private ClientTable.Registration register() {
        ClientTable.Registration registration =
                table.register(Processes.currentPid(), Processes.currentStartMillis(), System.currentTimeMillis());
        if (registration == null) {
            throw new IllegalStateException("no free entry in the client table");
        }
        responses.reset(registration.index());
        if (!table.activate(registration)) {
            throw new IllegalStateException("client entry " + registration.index() + " reaped while registering");
        }
        return registration;
    }

    private void startHeartbeat() {
        ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleAtFixedRate(
                () -> table.heartbeat(me.index(), System.currentTimeMillis()),
                0,
                HEARTBEAT_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /** Sends batch {@code batch} until it is published, waits for its answers and checks them. */
    private void send(long batch) {
        byte[][] keys = keysOf(batch, sizeOf(batch));
        int count = keys.length;
        Stdin.report("BEGIN " + batch + " " + count);
        long batchId = RequestIds.of(me.generation(), batch + 1);
        responses.arm(me.index(), 0, batchId);
        while (true) {
            long index = claim();
            write(index, batch, keys, count, batchId);
            if (requests.publish(index)) {
                break;
            }
            resent++;
            Stdin.report("RESEND " + batch);
        }
        awaitAnswers(batch, count, batchId);
        Stdin.report("ACK " + batch + " " + count);
    }

    /** Claims an index, writes half of batch {@code batch} into it, reports and waits until killed. */
    private void holdHalfWritten(long batch, Stdin stdin) throws InterruptedException {
        byte[][] keys = keysOf(batch, sizeOf(batch));
        int count = keys.length;
        Stdin.report("BEGIN " + batch + " " + count);
        long batchId = RequestIds.of(me.generation(), batch + 1);
        responses.arm(me.index(), 0, batchId);
        long index = claim();
        write(index, batch, keys, Math.max(1, count / 2), batchId);
        Stdin.report("HOLD " + batch + " " + count + " index=" + index);
        while (!stdin.next().equals(Stdin.EOF)) {
            // Never publishes: the test kills this process here.
        }
        System.exit(0);
    }

    /** Writes the first {@code records} records of the batch, pausing before each, then its header. */
    private void write(long index, long batch, byte[][] keys, int records, long batchId) {
        long slot = requests.slotOffset(index);
        long at = slot + RequestRingDescriptor.PAYLOAD_OFFSET;
        for (int i = 0; i < records; i++) {
            pause();
            at = BatchFormat.putRecord(ring, at, Opcodes.SET, keys[i], bytes(value(producer, batch, i)));
        }
        BatchFormat.putHeader(ring, slot, batchId, me.index(), 0, keys.length, at);
        BatchFormat.seal(ring, slot, index, requests.slotSize());
    }

    private void pause() {
        if (pauseNanos <= 0) {
            return;
        }
        long until = System.nanoTime() + pauseNanos;
        while (System.nanoTime() - until < 0) {
            Thread.onSpinWait();
        }
    }

    private long claim() {
        int spins = 0;
        long index;
        while ((index = requests.claim(me.index())) == RequestRing.FULL) {
            if (++spins < 64) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        return index;
    }

    /** A random size in [2, the most records of this batch that fit the slot and the response block]. */
    private int sizeOf(long batch) {
        int slotSize = geometry.ringSlotSize();
        int most = Math.min(RequestRingDescriptor.maxRequests(slotSize), geometry.responseSlotsPerClient());
        // Keys and values only grow with i, so the last record is the longest.
        int longest = RequestRingDescriptor.recordLength(
                bytes(key(producer, batch, most - 1)).length, bytes(value(producer, batch, most - 1)).length);
        most = Math.min(most, RequestRingDescriptor.payloadCapacity(slotSize) / longest);
        if (most < 2) {
            throw new IllegalStateException("a slot of " + slotSize + " bytes cannot hold two records");
        }
        return 2 + random.nextInt(most - 1);
    }

    private byte[][] keysOf(long batch, int count) {
        byte[][] keys = new byte[count][];
        for (int i = 0; i < count; i++) {
            keys[i] = bytes(key(producer, batch, i));
            int valueLength = bytes(value(producer, batch, i)).length;
            if (keys[i].length > geometry.maxKeyBytes() || valueLength > geometry.maxValueBytes()) {
                throw new IllegalStateException("record " + i + " of batch " + batch + " exceeds the region's limits");
            }
        }
        return keys;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Spins, then yields, until the run's ticket is DONE; checks that all {@code count} answers are TRUE. */
    private void awaitAnswers(long batch, int count, long batchId) {
        long done = ResponseSlotDescriptor.ticket(batchId, ResponseSlotDescriptor.TICKET_DONE);
        long deadline = System.nanoTime() + answerTimeoutNanos;
        int spins = 0;
        long ticket;
        while ((ticket = responses.ticketOf(me.index(), 0)) != done) {
            if (System.nanoTime() - deadline > 0) {
                fail("no answer to batch " + batch + " within the answer timeout; ticket " + Long.toHexString(ticket)
                        + ", own entry active " + table.isActive(me.index(), me.generation()));
            }
            if (++spins < 256) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        int[] statuses = new int[count];
        if (!responses.readAnswers(me.index(), 0, batchId, count, (i, status, value) -> statuses[i] = status)) {
            fail("unreadable answers to batch " + batch);
        }
        for (int i = 0; i < count; i++) {
            if (statuses[i] != ResponseStatus.TRUE) {
                fail("answer " + i + " of batch " + batch + " has status " + statuses[i]);
            }
        }
    }

    private static void fail(String message) {
        Stdin.report("FAILED " + message);
        System.exit(2);
    }
}
