package io.concurrentkvs.it;

import io.concurrentkvs.core.internal.region.Region;
import io.concurrentkvs.core.internal.ring.RequestRing;
import io.concurrentkvs.core.internal.ring.RequestRingDescriptor;
import java.nio.file.Path;

/**
 * A producer process for the cross-process ring tests: attaches to a region and sends numbered
 * {@link RingMessage}s through its request ring, claiming with its producer id as the client index.
 *
 * <p>Arguments: {@code path} (region file), {@code producer} (id, also the claimant index),
 * {@code count} (messages to send, 0 for no limit; the {@code stop} command ends sending sooner),
 * {@code hangAt} (optional: claim and write message {@code hangAt}, print {@code CLAIMED}, then hold the
 * claim without publishing until the {@code publish} command), {@code awaitStop} (optional, {@code true}:
 * a producer that reaches {@code count} before {@code stop} waits for {@code stop} before it reports, so a
 * test that stops producers running "until stopped, capped" never finds one already gone).
 *
 * <p>Protocol: prints {@code READY pid=<pid>}, waits for {@code go}, sends, prints
 * {@code DONE producer=<id> sent=<n> republished=<r> elapsedMs=<ms>} and exits. A publish that the ring
 * refuses (a consumer skipped the slot as stalled) is sent again under a new claim, as the ring's
 * contract requires, and counted as republished.
 */
public final class RingProducerMain {
    private static final int STOP_CHECK_INTERVAL = 1024;

    private final RequestRing ring;
    private final int producer;
    private final int maxPayload;
    private long republished;
    private boolean stopped;

    private RingProducerMain(RequestRing ring, int producer) {
        this.ring = ring;
        this.producer = producer;
        this.maxPayload = RingMessage.maxPayload(ring.slotSize() - RequestRingDescriptor.PAYLOAD_OFFSET);
    }

    public static void main(String[] argv) throws InterruptedException {
        Args args = Args.parse(argv);
        Region region = Region.attach(Path.of(args.string("path")));
        RequestRing ring = region.ring();
        RingProducerMain main = new RingProducerMain(ring, args.integer("producer", 0));
        Stdin stdin = Stdin.start();
        Stdin.report("READY pid=" + ProcessHandle.current().pid());
        stdin.awaitCommand("go");
        long start = System.nanoTime();
        long sent = main.run(args.longValue("count", 0), args.longValue("hangAt", -1), stdin);
        if (Boolean.parseBoolean(args.string("awaitStop", "false")) && !main.stopped) {
            stdin.awaitCommand("stop");
        }
        Stdin.report("DONE producer=" + main.producer + " sent=" + sent + " republished=" + main.republished
                + " elapsedMs=" + (System.nanoTime() - start) / 1_000_000);
        System.exit(0);
    }

    /** Sends messages 0, 1, ... and returns how many were sent. */
    private long run(long count, long hangAt, Stdin stdin) throws InterruptedException {
        long sequence = 0;
        for (; count == 0 || sequence < count; sequence++) {
            if (sequence % STOP_CHECK_INTERVAL == 0 && isStop(stdin.poll())) {
                stopped = true;
                break;
            }
            byte[] message = RingMessage.encode(producer, sequence, maxPayload);
            if (sequence == hangAt) {
                holdClaimThenPublish(message, sequence, stdin);
            } else {
                send(message);
            }
        }
        return sequence;
    }

    /** {@code stop}, or the end of input: a producer must not outlive a test that went away. */
    private static boolean isStop(String command) {
        return "stop".equals(command) || Stdin.EOF.equals(command);
    }

    private void send(byte[] message) {
        while (true) {
            long index = claim();
            write(index, message);
            if (ring.publish(index)) {
                return;
            }
            republished++;
        }
    }

    /** Claims, writes and then stalls like a producer frozen (or killed) between claim and publish. */
    private void holdClaimThenPublish(byte[] message, long sequence, Stdin stdin) throws InterruptedException {
        long index = claim();
        write(index, message);
        Stdin.report("CLAIMED index=" + index + " seq=" + sequence);
        stdin.awaitCommand("publish");
        boolean published = ring.publish(index);
        Stdin.report("PUBLISHED ok=" + published);
        if (!published) {
            republished++;
            send(message);
        }
    }

    private long claim() {
        int spins = 0;
        while (true) {
            long index = ring.claim(producer);
            if (index != RequestRing.FULL) {
                return index;
            }
            // Full: consumers share two cores with every producer, so give the CPU away soon.
            if (++spins < 64) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    private void write(long index, byte[] message) {
        ring.memory()
                .putBytes(ring.slotOffset(index) + RequestRingDescriptor.PAYLOAD_OFFSET, message, 0, message.length);
    }
}
