package io.concurrentkvs.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.concurrentkvs.core.internal.memory.Memory;
import io.concurrentkvs.core.internal.region.Region;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A hostile process with write access scribbles over the region while the server runs. The server must
 * not crash, and a well-formed request must be answered or fail with a {@link KvsException} within its
 * timeout; once the scribbling stops, a fresh client is served normally.
 */
class HostileRegionTest {
    private final String name = "kvs-hostile-" + ProcessHandle.current().pid() + "-"
            + ThreadLocalRandom.current().nextInt(1 << 30);
    private KvsServer server;

    @BeforeEach
    void start() {
        server = KvsServer.builder(name)
                .workers(1)
                .ringSize(64)
                .maxClients(8)
                .responseSlotsPerClient(16)
                .maxKeyBytes(32)
                .maxValueBytes(64)
                .stallTimeout(Duration.ofMillis(100))
                .build();
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
        KvsServer.destroy(server.path());
    }

    @Test
    void randomScribblesNeverCrashTheServerAndFreshClientsAreServedAfterwards() throws Exception {
        Region hostile = Region.attach(server.path());
        Memory whole = hostile.memory();
        long dataStart = hostile.geometry().ringOffset();
        AtomicBoolean scribbling = new AtomicBoolean(true);
        AtomicLong scribbles = new AtomicLong();
        Thread scribbler = new Thread(() -> {
            SplittableRandom random = new SplittableRandom(42);
            while (scribbling.get()) {
                // Everything after the header: ring (indices included), client table, response slots.
                long offset = dataStart + random.nextLong(whole.capacity() - dataStart - 8) & ~7L;
                whole.putLongVolatile(offset, random.nextLong());
                scribbles.incrementAndGet();
                Thread.onSpinWait();
            }
        });
        // Connected before the scribbling starts: a scribbled client table may legitimately refuse a connect
        // (every entry looks taken), which is not what this test is about.
        try (KvsConnection connection = KvsConnection.connect(name)) {
            scribbler.start();
            AsyncKvsClient<String, String> client = connection.async(Codecs.string(), Codecs.string());
            for (int i = 0; i < 300; i++) {
                try {
                    Boolean stored =
                            client.set("k" + i, "v" + i, Duration.ofMillis(200)).join();
                    assertThat(stored).isTrue();
                } catch (CompletionException e) {
                    assertThat(e.getCause()).isInstanceOf(KvsException.class);
                }
            }
        } finally {
            scribbling.set(false);
            if (scribbler.isAlive()) {
                scribbler.join();
            }
        }
        assertThat(scribbles.get()).isPositive();
        assertThat(server.isRunning()).isTrue();
        assertFreshClientIsServed();
    }

    @Test
    void craftedMalformedRequestsAreRejectedAndCounted() {
        Region hostile = Region.attach(server.path());
        HostileWriter writer = new HostileWriter(hostile);
        writer.publish(99, 0, 0, 1, 1); // unknown opcode
        writer.publish(1, 0, 0, -5, 0); // negative key length
        writer.publish(2, 0, 0, 1, Integer.MAX_VALUE); // huge value length
        writer.publish(2, 0, 0, 1_000_000, 1); // key longer than the limit
        writer.publish(1, 1_000, 0, 1, 0); // client index out of range
        writer.publish(1, 0, 1_000_000, 1, 0); // response slot out of range
        writer.publish(1, -1, -1, 1, 0); // negative indices
        writer.publishHeader(0, 0, 0, 0); // a batch of no requests
        writer.publishHeader(0, 0, -3, 64); // a negative request count
        writer.publishHeader(0, 0, 1 << 20, 64); // more requests than a slot can hold
        writer.publishHeader(0, 0, 2, 1 << 30); // records longer than the slot
        writer.publishHeader(0, 0, 3, -8); // a negative payload length
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            KvsStats stats = KvsStats.read(name);
            return stats.malformedRequests() + stats.staleAnswers() >= 12;
        });
        assertThat(server.isRunning()).isTrue();
        assertFreshClientIsServed();
    }

    @Test
    void aBatchWhoseSealDoesNotMatchIsDroppedAndCountedInTheStats() {
        assertThat(KvsStats.read(name).rejectedBatches()).isZero();
        HostileWriter writer = new HostileWriter(Region.attach(server.path()));
        writer.publishMisSealed(0, 0);
        writer.publishMisSealed(1, 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> KvsStats.read(name).rejectedBatches() >= 2);
        assertThat(KvsStats.read(name).malformedRequests())
                .as("dropped whole, never parsed")
                .isZero();
        assertThat(server.isRunning()).isTrue();
        assertFreshClientIsServed();
    }

    @Test
    void aCorruptedRingHeaderIsRepairedByTheServerAndCounted() {
        assertThat(KvsStats.read(name).ringRepairs()).isZero();
        Region hostile = Region.attach(server.path());
        Memory ring = hostile.ring().memory();
        ring.putLongVolatile(128, 1L << 40); // consumer index far ahead of the producer
        assertFreshClientIsServed();
        await().atMost(Duration.ofSeconds(30)).until(() -> KvsStats.read(name).ringRepairs() >= 1);
        long afterFirst = KvsStats.read(name).ringRepairs();
        ring.putLongVolatile(0, -12345); // producer index garbage
        assertFreshClientIsServed();
        await().atMost(Duration.ofSeconds(30)).until(() -> KvsStats.read(name).ringRepairs() > afterFirst);
    }

    @Test
    void aScribbledHeaderIsRestoredSoNewClientsCanAttach() {
        Region hostile = Region.attach(server.path());
        hostile.memory().setMemory(0, 128, (byte) 0x5A);
        assertFreshClientIsServed();
    }

    private void assertFreshClientIsServed() {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            try (KvsConnection fresh = KvsConnection.connect(name)) {
                AsyncKvsClient<String, String> client = fresh.async(Codecs.string(), Codecs.string());
                assertThat(client.set("fresh", "ok", Duration.ofSeconds(2)).join())
                        .isTrue();
                assertThat(client.get("fresh", Duration.ofSeconds(2)).join()).isEqualTo(Optional.of("ok"));
            }
        });
    }
}
