package io.concurrentkvs.it;

import static io.concurrentkvs.core.internal.ring.RequestRingDescriptor.*;

import io.concurrentkvs.core.internal.memory.Memory;
import io.concurrentkvs.core.internal.region.Region;
import io.concurrentkvs.core.internal.region.RegionGeometry;
import io.concurrentkvs.core.internal.ring.BatchFormat;
import io.concurrentkvs.core.internal.ring.RequestRing;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A hostile process with write access to a live server's region: it overwrites random words of the
 * request ring (indices, sequences and slots), the client table and the response area, and publishes
 * crafted requests through the ring with huge, negative and boundary lengths, unknown opcodes and
 * out-of-range client and response-slot indices.
 *
 * <p>Arguments: {@code path} (region file), {@code seed}, {@code areas} (comma-separated subset of
 * {@code ring,clients,responses}; all by default), {@code perSecond} (writes per second, 0 for as fast as
 * possible: at full speed every client-table entry is overwritten many times a second, so no client can
 * stay registered, which is denial of service rather than a test of serving). Prints {@code READY pid=<pid>}, waits for
 * {@code go}, scribbles until {@code stop} (or the end of input), then prints
 * {@code DONE scribbles=<n> crafted=<m>} and exits.
 */
public final class ScribblerMain {
    /** Values that break naive decoders: signs, boundaries, and sizes far beyond any slot. */
    private static final int[] HOSTILE_INTS = {
        Integer.MIN_VALUE,
        -1_000_000,
        -2,
        -1,
        0,
        1,
        2,
        3,
        4,
        5,
        63,
        64,
        255,
        256,
        257,
        1023,
        1024,
        1025,
        4096,
        65_535,
        65_536,
        1 << 20,
        1 << 24,
        Integer.MAX_VALUE - 1,
        Integer.MAX_VALUE
    };

    private final Memory whole;
    private final long[] areaStarts;
    private final long[] areaLengths;
    private static final int PACE_BATCH = 16;

    private final RequestRing ring;
    private final SplittableRandom random;
    private long scribbles;
    private long crafted;

    private ScribblerMain(Region region, long seed, List<String> areas) {
        this.whole = region.memory();
        RegionGeometry g = region.geometry();
        this.areaStarts = new long[areas.size()];
        this.areaLengths = new long[areas.size()];
        for (int i = 0; i < areas.size(); i++) {
            switch (areas.get(i)) {
                case "ring" -> {
                    areaStarts[i] = g.ringOffset();
                    areaLengths[i] = g.ringLength();
                }
                case "clients" -> {
                    areaStarts[i] = g.clientTableOffset();
                    areaLengths[i] = g.clientTableLength();
                }
                case "responses" -> {
                    areaStarts[i] = g.responseOffset();
                    areaLengths[i] = g.responseAreaLength();
                }
                default -> throw new IllegalArgumentException("unknown area " + areas.get(i));
            }
        }
        this.ring = region.ring();
        this.random = new SplittableRandom(seed);
    }

    public static void main(String[] argv) throws InterruptedException {
        Args args = Args.parse(argv);
        Region region = Region.attach(Path.of(args.string("path")));
        ScribblerMain main = new ScribblerMain(
                region,
                args.longValue("seed", 1),
                List.of(args.string("areas", "ring,clients,responses").split(",")));
        int perSecond = args.integer("perSecond", 0);
        long pauseNanos = perSecond > 0 ? TimeUnit.SECONDS.toNanos(1) * PACE_BATCH / perSecond : 0;
        Stdin stdin = Stdin.start();
        Stdin.report("READY pid=" + ProcessHandle.current().pid());
        stdin.awaitCommand("go");
        for (long round = 0; ; round++) {
            if (round % 64 == 0) {
                String command = stdin.poll();
                if ("stop".equals(command) || Stdin.EOF.equals(command)) {
                    break;
                }
            }
            if (round % 4 == 0) {
                main.publishCrafted();
            } else {
                main.scribble();
            }
            if (round % PACE_BATCH == 0) {
                if (pauseNanos > 0) {
                    LockSupport.parkNanos(pauseNanos); // pacing, approximate: a rate, not a schedule
                } else {
                    Thread.yield(); // two cores shared with the server and the test's client
                }
            }
        }
        Stdin.report("DONE scribbles=" + main.scribbles + " crafted=" + main.crafted);
        System.exit(0);
    }

    /** One random write into one of the chosen areas: a word, an int or a run of bytes. */
    private void scribble() {
        int area = random.nextInt(areaStarts.length);
        long offset = areaStarts[area] + random.nextLong(areaLengths[area] - 48);
        switch (random.nextInt(3)) {
            case 0 -> whole.putLongVolatile(offset & ~7L, random.nextLong());
            case 1 -> whole.putInt(offset & ~3L, hostileInt());
            default -> {
                byte[] bytes = new byte[1 + random.nextInt(48)];
                random.nextBytes(bytes);
                whole.putBytes(offset, bytes, 0, bytes.length);
            }
        }
        scribbles++;
    }

    /** Claims a ring index like a client and publishes a batch with hostile fields. */
    private void publishCrafted() {
        int client = random.nextBoolean() ? random.nextInt(8) : hostileInt();
        // Claim gives up on a full or corrupted ring; a hostile writer then just tries again later.
        long index = ring.claim(client);
        if (index == RequestRing.FULL) {
            return;
        }
        Memory m = ring.memory();
        long slot = ring.slotOffset(index);
        byte[] payload = new byte[ring.slotSize() - PAYLOAD_OFFSET];
        random.nextBytes(payload);
        m.putBytes(slot + PAYLOAD_OFFSET, payload, 0, payload.length);
        int count = random.nextBoolean() ? 1 + random.nextInt(8) : hostileInt();
        long at = slot + PAYLOAD_OFFSET;
        for (int i = 0; i < Math.min(count, 8) && at + MIN_RECORD_LENGTH <= slot + ring.slotSize(); i++) {
            m.putInt(at + RECORD_OPCODE_OFFSET, random.nextBoolean() ? 1 + random.nextInt(4) : hostileInt());
            int keyLength = random.nextBoolean() ? random.nextInt(16) : hostileInt();
            int valueLength = random.nextBoolean() ? random.nextInt(32) : hostileInt();
            m.putInt(at + RECORD_KEY_LENGTH_OFFSET, keyLength);
            m.putInt(at + RECORD_VALUE_LENGTH_OFFSET, valueLength);
            at += keyLength >= 0 && valueLength >= 0 && keyLength < 64 && valueLength < 64
                    ? recordLength(keyLength, valueLength)
                    : MIN_RECORD_LENGTH;
        }
        int payloadLength = random.nextBoolean() ? (int) (at - slot - PAYLOAD_OFFSET) : hostileInt();
        m.putLong(slot + BATCH_ID_OFFSET, random.nextBoolean() ? random.nextLong() : random.nextLong(1 << 20));
        m.putInt(slot + CLIENT_INDEX_OFFSET, client);
        m.putInt(slot + FIRST_RESPONSE_SLOT_OFFSET, random.nextBoolean() ? random.nextInt(16) : hostileInt());
        m.putInt(slot + REQUEST_COUNT_OFFSET, count);
        m.putInt(slot + PAYLOAD_LENGTH_OFFSET, payloadLength);
        if (random.nextInt(8) != 0) {
            // A hostile writer can seal what it forges; mostly it does, so the forgery reaches the parser.
            BatchFormat.seal(m, slot, index, ring.slotSize());
        }
        ring.publish(index);
        crafted++;
    }

    private int hostileInt() {
        return random.nextInt(4) == 0 ? random.nextInt() : HOSTILE_INTS[random.nextInt(HOSTILE_INTS.length)];
    }
}
