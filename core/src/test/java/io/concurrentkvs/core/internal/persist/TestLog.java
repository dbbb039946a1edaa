package io.concurrentkvs.core.internal.persist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

/** Builds a log file's bytes from ops with {@link LogRecords}, remembering where each record starts. */
final class TestLog {
    static final long HISTORY = 0x1234_5678_9ABC_DEF0L;

    final long seq;
    final List<Op> ops = new ArrayList<>();
    /** Offsets of the records: starts.get(i) is where ops.get(i) begins; the last element is the end. */
    final List<Long> starts = new ArrayList<>();

    private byte[] bytes = new byte[1 << 16];
    private int length;
    private final CRC32C crc = new CRC32C();

    TestLog(long seq) {
        this.seq = seq;
        LogRecords.writeHeader(bytes, HISTORY, seq, 1_700_000_000_000L);
        length = PersistLayout.HEADER_LENGTH;
        starts.add((long) length);
    }

    TestLog add(Op op) {
        int need =
                op.isSet() ? LogRecords.setLength(op.key.length, op.value.length) : LogRecords.delLength(op.key.length);
        if (bytes.length - length < need) {
            bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, length + need));
        }
        int n = op.isSet()
                ? LogRecords.writeSet(
                        bytes, length, seq, length, op.key, op.key.length, op.value, 0, op.value.length, crc)
                : LogRecords.writeDel(bytes, length, seq, length, op.key, op.key.length, crc);
        length += n;
        ops.add(op);
        starts.add((long) length);
        return this;
    }

    /** Adds {@code n} random SETs and DELs with keys of 0..40 bytes and values of 0..300 bytes. */
    TestLog addRandom(Random random, int n) {
        for (int i = 0; i < n; i++) {
            byte[] key = randomBytes(random, random.nextInt(41));
            add(random.nextInt(4) == 0 ? Op.del(key) : Op.set(key, randomBytes(random, random.nextInt(301))));
        }
        return this;
    }

    byte[] bytes() {
        return Arrays.copyOf(bytes, length);
    }

    Path writeTo(Path dir) throws IOException {
        return Files.write(PersistFiles.logPath(dir, seq), bytes());
    }

    static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
