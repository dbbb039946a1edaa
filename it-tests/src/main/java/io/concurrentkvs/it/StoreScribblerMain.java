package io.concurrentkvs.it;

import static io.concurrentkvs.core.internal.store.StoreLayout.*;

import io.concurrentkvs.core.internal.store.StoreFile;
import io.concurrentkvs.core.internal.store.StoreGeometry;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A hostile process with write access to a live server's store file ({@code <region>.store}): it maps the
 * file read-write with a plain {@link FileChannel} (the server's lock on it is advisory, so nothing stops
 * this) and writes garbage into it while the server serves: random words into the segment headers
 * (sequences, counts), random, zeroed, bit-flipped or copied words into the index (a copy points one key's
 * slot at another key's record), random page-map words, random bytes anywhere in the data pages, and
 * targeted damage to live records (found through the index): their lengths, checksum, key or value bytes.
 * The file's own header (magic, geometry) is left alone: a store whose header is gone is refused, with a
 * message, by the next server rather than adopted, which is a different test.
 *
 * <p>Arguments: {@code path} (the store file), {@code seed}, {@code areas} (comma-separated subset of
 * {@code segments,index,pagemap,data,records}; all by default, drawn in the ratio 3:5:1:4:7, the page map
 * rarely because a damaged page word costs every entry of its page at the next adoption), {@code
 * perSecond} (writes per second, 0
 * for as fast as possible). Prints {@code READY pid=<pid>}, waits for {@code go}, scribbles until
 * {@code stop} (or the end of input), then prints {@code DONE scribbles=<n>} and exits.
 */
public final class StoreScribblerMain {
    private static final int PACE_BATCH = 16;
    private static final int[] HOSTILE_INTS = {
        Integer.MIN_VALUE, -1, 0, 1, 7, 8, 23, 24, 25, 255, 4095, 4096, 4097, 65_536, 1 << 20, Integer.MAX_VALUE
    };

    private final MappedByteBuffer file;
    private final StoreGeometry g;
    /** The chosen areas, each as often as its weight says. */
    private final String[] draws;

    private final SplittableRandom random;
    private long scribbles;

    private StoreScribblerMain(MappedByteBuffer file, StoreGeometry geometry, List<String> areas, long seed) {
        this.file = file;
        this.g = geometry;
        List<String> weighted = new java.util.ArrayList<>();
        for (String area : areas) {
            int weight = switch (area) {
                case "records" -> 7;
                case "index" -> 5;
                case "data" -> 4;
                case "segments" -> 3;
                // Rarely: one damaged page word costs every entry of its page at the next adoption.
                case "pagemap" -> 1;
                default -> throw new IllegalArgumentException("unknown area " + area);
            };
            for (int i = 0; i < weight; i++) {
                weighted.add(area);
            }
        }
        this.draws = weighted.toArray(String[]::new);
        this.random = new SplittableRandom(seed);
    }

    public static void main(String[] argv) throws IOException, InterruptedException {
        Args args = Args.parse(argv);
        Path path = Path.of(args.string("path"));
        StoreFile.Summary summary = StoreFile.readSummary(path);
        if (summary == null) {
            throw new IllegalStateException("no store at " + path);
        }
        StoreGeometry geometry = summary.geometry();
        if (geometry.fileLength() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("store too large for one mapping: " + geometry.fileLength());
        }
        MappedByteBuffer file;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            file = channel.map(FileChannel.MapMode.READ_WRITE, 0, geometry.fileLength()); // stays valid after close
        }
        file.order(ByteOrder.LITTLE_ENDIAN);
        StoreScribblerMain main = new StoreScribblerMain(
                file,
                geometry,
                List.of(args.string("areas", "segments,index,pagemap,data,records")
                        .split(",")),
                args.longValue("seed", 1));
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
            main.scribble();
            if (round % PACE_BATCH == 0) {
                if (pauseNanos > 0) {
                    LockSupport.parkNanos(pauseNanos); // pacing, approximate: a rate, not a schedule
                } else {
                    Thread.yield(); // two cores shared with the server and the clients
                }
            }
        }
        Stdin.report("DONE scribbles=" + main.scribbles);
        System.exit(0);
    }

    private void scribble() {
        switch (draws[random.nextInt(draws.length)]) {
            case "segments" ->
                putLong(
                        g.segmentsOffset() + 8L * random.nextInt((int) ((g.indexOffset() - g.segmentsOffset()) / 8)),
                        hostileLong());
            case "index" -> scribbleIndex();
            case "pagemap" ->
                file.putInt(
                        (int) g.pageWordOffset(random.nextInt(g.pageCount())),
                        random.nextBoolean() ? random.nextInt() : hostileInt());
            case "data" -> putRandomBytes(g.dataOffset() + random.nextLong(g.dataBytes() - 64));
            case "records" -> scribbleRecord();
            default -> throw new IllegalStateException();
        }
        scribbles++;
    }

    /** Overwrites one index word: random, zero, a bit of its record offset flipped, or another slot's word. */
    private void scribbleIndex() {
        long slots = (long) g.stripes() * g.slotsPerSegment();
        long at = g.indexOffset() + 8 * random.nextLong(slots);
        long word = file.getLong((int) at);
        long value = switch (random.nextInt(4)) {
            case 0 -> random.nextLong();
            case 1 -> 0;
            case 2 -> word ^ (1L << random.nextInt(TAG_SHIFT));
            default -> file.getLong((int) (g.indexOffset() + 8 * random.nextLong(slots)));
        };
        putLong(at, value);
    }

    /** Damages a live record found through a random non-empty index word; falls back to random data bytes. */
    private void scribbleRecord() {
        long slots = (long) g.stripes() * g.slotsPerSegment();
        for (int attempt = 0; attempt < 64; attempt++) {
            long word = file.getLong((int) (g.indexOffset() + 8 * random.nextLong(slots)));
            long record = word == 0 ? -1 : recordOffset(word);
            if (record < g.dataOffset() || record > g.fileLength() - 64) {
                continue;
            }
            switch (random.nextInt(4)) {
                case 0 -> file.putInt((int) record + RECORD_KEY_LENGTH_OFFSET, hostileInt());
                case 1 -> file.putInt((int) record + RECORD_VALUE_LENGTH_OFFSET, hostileInt());
                case 2 -> file.putInt((int) record + RECORD_CHECKSUM_OFFSET, random.nextInt());
                default -> {
                    int i = (int) record + RECORD_HEADER_LENGTH + random.nextInt(40);
                    file.put(i, (byte) (file.get(i) ^ (1 << random.nextInt(8))));
                }
            }
            return;
        }
        putRandomBytes(g.dataOffset() + random.nextLong(g.dataBytes() - 64));
    }

    private void putRandomBytes(long at) {
        byte[] bytes = new byte[1 + random.nextInt(48)];
        random.nextBytes(bytes);
        file.put((int) at, bytes);
    }

    private void putLong(long at, long value) {
        file.putLong((int) at, value);
    }

    private long hostileLong() {
        return random.nextBoolean() ? random.nextLong() : hostileInt();
    }

    private int hostileInt() {
        return random.nextInt(4) == 0 ? random.nextInt() : HOSTILE_INTS[random.nextInt(HOSTILE_INTS.length)];
    }
}
