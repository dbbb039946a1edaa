package io.concurrentkvs.core.internal.persist;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.concurrentkvs.core.FsyncPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The log writer on its own: concurrent appenders and rotations lose nothing and keep each writer's order
 * across files, ALWAYS reports records durable only after a force, and a full disk turns {@link
 * LogWriter#admits()} false until space returns.
 */
class LogWriterTest {
    private static final long HISTORY = 77;

    @TempDir
    Path dir;

    private LogWriter writer(FsyncPolicy policy, LogWriter.PreallocationFault fault, List<Throwable> failures)
            throws IOException {
        return new LogWriter(dir, HISTORY, 1, policy, 1024, 64 << 10, fault, failures::add, "test-log");
    }

    @ParameterizedTest
    @EnumSource(FsyncPolicy.class)
    void concurrentAppendsAndRotationsArePersistedInEachWritersOrder(FsyncPolicy policy) throws Exception {
        List<Throwable> failures = new ArrayList<>();
        LogWriter log = writer(policy, LogWriter.PreallocationFault.NONE, failures);
        int writers = 4;
        int perWriter = 5000;
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> rotateFailure = new AtomicReference<>();
        Thread rotator = new Thread(() -> {
            try {
                while (!done.get()) {
                    log.rotate(false);
                    Thread.onSpinWait();
                    Thread.yield();
                }
            } catch (IOException e) {
                rotateFailure.set(e);
            }
        });
        rotator.start();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            threads.add(new Thread(() -> {
                for (int i = 0; i < perWriter; i++) {
                    byte[] key = ("w" + writer).getBytes(UTF_8);
                    if (i % 10 == 9) {
                        log.del(key, key.length);
                    } else {
                        byte[] value = String.valueOf(i).getBytes(UTF_8);
                        log.set(key, key.length, value, 0, value.length);
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        done.set(true);
        rotator.join();
        long appended = log.appendedPosition();
        log.close();
        assertThat(rotateFailure.get()).isNull();
        assertThat(failures).isEmpty();
        assertThat(log.durablePosition()).isEqualTo(appended);

        Map<String, List<String>> seen = new HashMap<>();
        long seq = 1;
        long records = 0;
        while (Files.exists(PersistFiles.logPath(dir, seq))) {
            LogScan scan = LogReader.scan(PersistFiles.logPath(dir, seq), HISTORY, seq, new RecordVisitor() {
                @Override
                public void set(byte[] key, int keyLength, byte[] value, int valueLength) {
                    seen.computeIfAbsent(new String(key, 0, keyLength, UTF_8), k -> new ArrayList<>())
                            .add(new String(value, 0, valueLength, UTF_8));
                }

                @Override
                public void del(byte[] key, int keyLength) {
                    seen.computeIfAbsent(new String(key, 0, keyLength, UTF_8), k -> new ArrayList<>())
                            .add("DEL");
                }
            });
            assertThat(scan.stop()).as("log %d", seq).isEqualTo(LogStop.CLEAN_END);
            assertThat(scan.validEnd())
                    .as("a closed log is trimmed to its records")
                    .isEqualTo(scan.fileLength());
            records += scan.records();
            seq++;
        }
        assertThat(seq).as("rotations happened").isGreaterThan(2);
        assertThat(records).isEqualTo((long) writers * perWriter);
        for (int w = 0; w < writers; w++) {
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < perWriter; i++) {
                expected.add(i % 10 == 9 ? "DEL" : String.valueOf(i));
            }
            assertThat(seen.get("w" + w)).as("writer %d", w).isEqualTo(expected);
        }
    }

    @Test
    void underAlwaysAppendedRecordsBecomeDurableThroughForces() throws Exception {
        List<Throwable> failures = new ArrayList<>();
        try (LogWriter log = writer(FsyncPolicy.ALWAYS, LogWriter.PreallocationFault.NONE, failures)) {
            ConcurrentLinkedQueue<Long> positions = new ConcurrentLinkedQueue<>();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                threads.add(new Thread(() -> {
                    byte[] key = "k".getBytes(UTF_8);
                    for (int i = 0; i < 200; i++) {
                        log.set(key, 1, key, 0, 1);
                        long position = log.appendedPosition();
                        assertThat(log.awaitDurable(position)).isTrue();
                        positions.add(position);
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            assertThat(positions).hasSize(800).allMatch(p -> p <= log.durablePosition());
            assertThat(log.forces()).isPositive();
            assertThat(log.lastForceMillis()).isPositive();
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void underNeverNothingIsForcedWhileServing() throws Exception {
        try (LogWriter log = writer(FsyncPolicy.NEVER, LogWriter.PreallocationFault.NONE, new ArrayList<>())) {
            byte[] key = "k".getBytes(UTF_8);
            for (int i = 0; i < 1000; i++) {
                log.set(key, 1, key, 0, 1);
            }
            long position = log.appendedPosition();
            // Written to the file (readable), but never forced before close.
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.size(PersistFiles.logPath(dir, 1)) >= position);
            assertThat(log.forces()).isZero();
            assertThat(log.lastForceMillis()).isZero();
        }
    }

    @Test
    void aFullDiskRefusesUntilSpaceReturns() throws Exception {
        AtomicBoolean full = new AtomicBoolean();
        List<Throwable> failures = new ArrayList<>();
        try (LogWriter log = writer(FsyncPolicy.EVERY_SECOND, full::get, failures)) {
            assertThat(log.admits()).isTrue();
            full.set(true);
            byte[] value = new byte[512];
            byte[] key = "k".getBytes(UTF_8);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                log.set(key, 1, value, 0, value.length);
                return !log.admits();
            });
            assertThat(log.refusal()).contains("full").contains(dir.toString());
            full.set(false);
            await().atMost(Duration.ofSeconds(30)).until(log::admits);
        }
        assertThat(failures).as("a full disk is not a failure").isEmpty();
    }
}
