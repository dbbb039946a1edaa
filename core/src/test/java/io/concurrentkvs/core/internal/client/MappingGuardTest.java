package io.concurrentkvs.core.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.concurrentkvs.core.internal.memory.MappedFiles;
import io.concurrentkvs.core.internal.memory.Memory;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The reader guard that lets a connection unmap a region while other threads may still read it. */
class MappingGuardTest {

    @Test
    void aRetiredGuardLetsNoReaderInAndUnmapsAtOnceWhenNobodyIsInside() {
        AtomicInteger unmaps = new AtomicInteger();
        MappingGuard guard = new MappingGuard(unmaps::incrementAndGet);
        assertThat(guard.enter()).isTrue();
        guard.exit();
        assertThat(guard.retire()).as("unmapped by retire").isTrue();
        assertThat(unmaps).hasValue(1);
        assertThat(guard.enter()).as("no reader after retiring").isFalse();
        assertThat(guard.retire()).isTrue();
        assertThat(unmaps).as("exactly once").hasValue(1);
    }

    @Test
    void theLastReaderOutUnmapsARetiredGuard() {
        AtomicInteger unmaps = new AtomicInteger();
        MappingGuard guard = new MappingGuard(unmaps::incrementAndGet);
        assertThat(guard.enter()).isTrue();
        assertThat(guard.enter()).isTrue();
        assertThat(guard.retire()).as("two readers inside").isFalse();
        assertThat(unmaps).hasValue(0);
        guard.exit();
        assertThat(unmaps).as("one reader still inside").hasValue(0);
        assertThat(guard.enter()).isFalse();
        assertThat(unmaps)
                .as("a reader turned away does not unmap under the one inside")
                .hasValue(0);
        guard.exit();
        assertThat(unmaps).hasValue(1);
        assertThat(guard.isReleased()).isTrue();
    }

    /**
     * Readers hammer a real mapping while it is retired at a random moment: a reader let in after the unmap
     * would crash the JVM (SIGSEGV), and the unmap must run exactly once, after every reader has left.
     */
    @Test
    void readersNeverTouchAMappingAfterItIsUnmapped() throws Exception {
        int readers = 3;
        for (int round = 0; round < 200; round++) {
            Path file = Files.createTempFile("kvs-guard-", ".map");
            try {
                MappedFiles.Mapping mapping;
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    mapping = MappedFiles.map(channel, 0, 4096);
                }
                Memory memory = mapping.memory();
                memory.putLongVolatile(0, 42);
                AtomicInteger inside = new AtomicInteger();
                AtomicInteger unmaps = new AtomicInteger();
                AtomicInteger insideAtUnmap = new AtomicInteger(-1);
                MappingGuard guard = new MappingGuard(() -> {
                    insideAtUnmap.set(inside.get());
                    unmaps.incrementAndGet();
                    mapping.unmap();
                });
                AtomicLong reads = new AtomicLong();
                AtomicLong wrong = new AtomicLong();
                CountDownLatch started = new CountDownLatch(readers);
                List<Thread> threads = new ArrayList<>();
                for (int r = 0; r < readers; r++) {
                    Thread t = new Thread(() -> {
                        started.countDown();
                        while (guard.enter()) {
                            inside.incrementAndGet();
                            if (memory.getLongVolatile(0) != 42) {
                                wrong.incrementAndGet();
                            }
                            reads.incrementAndGet();
                            inside.decrementAndGet();
                            guard.exit();
                        }
                    });
                    t.start();
                    threads.add(t);
                }
                started.await();
                long spins = ThreadLocalRandom.current().nextInt(20_000);
                for (long i = 0; i < spins; i++) {
                    Thread.onSpinWait();
                }
                guard.retire();
                for (Thread t : threads) {
                    t.join();
                }
                assertThat(unmaps).as("unmapped exactly once, round %d", round).hasValue(1);
                assertThat(insideAtUnmap).as("readers inside at the unmap").hasValue(0);
                assertThat(wrong).hasValue(0);
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }
}
