package io.concurrentkvs.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 item 5: every connect and re-attach mapped the whole region and nothing unmapped it, so
 * connect/close cycles piled up live mappings and each server restart left the old, unlinked region in
 * {@code /dev/shm} until every client's buffer was collected. Mappings are counted in
 * {@code /proc/self/maps}: one line per mapping of the region file, marked "(deleted)" once unlinked.
 */
class RegionMappingLeakTest {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    private final String name = "kvs-unmap-" + ProcessHandle.current().pid() + "-"
            + ThreadLocalRandom.current().nextInt(1 << 30);

    @AfterEach
    void cleanUp() {
        KvsServer.destroy(name);
    }

    private KvsServer.Builder small() {
        return KvsServer.builder(name)
                .workers(1)
                .maxEntries(1000)
                .maxDataBytes(1 << 20)
                .maxClients(8)
                .ringSize(64);
    }

    @Test
    void connectCloseCyclesLeaveNoMappingsBehind() throws IOException {
        try (KvsServer server = small().build()) {
            server.start();
            Path region = server.path();
            assertThat(mappings(region)).as("the server's own mapping").hasSize(1);
            for (int i = 0; i < 2_000; i++) {
                try (KvsConnection conn = KvsConnection.connect(name)) {
                    if (i % 100 == 0) {
                        assertThat(conn.async(Codecs.string(), Codecs.string())
                                        .set("k" + i, "v")
                                        .join())
                                .isTrue();
                    }
                }
            }
            assertThat(mappings(region))
                    .as("mappings of %s after 2,000 connect/close cycles: the server's only", region)
                    .hasSize(1);
        }
        assertThat(mappings(KvsServer.builder(name).build().path()))
                .as("after the server closed")
                .isEmpty();
    }

    @Test
    void aClientAcrossServerRestartsKeepsNoDeletedRegionMapped() throws IOException {
        KvsServer server = small().build();
        server.start();
        Path region = server.path();
        try (KvsConnection conn = KvsConnection.connect(name)) {
            AsyncKvsClient<String, String> c = conn.async(Codecs.string(), Codecs.string());
            for (int cycle = 0; cycle < 5; cycle++) {
                if (cycle % 2 == 0) {
                    // The same server object: stop leaves the STOPPED file, the next start replaces it.
                    server.stop();
                    server.start();
                } else {
                    // A new server object: close removes the file, the new one creates another.
                    server.close();
                    server = small().build();
                    server.start();
                }
                await().atMost(Duration.ofSeconds(30)).until(conn::isConnected);
                String key = "cycle" + cycle;
                await().atMost(Duration.ofSeconds(30))
                        .ignoreExceptions()
                        .until(() -> c.set(key, "v", CALL_TIMEOUT).join());
                assertThat(c.get(key, CALL_TIMEOUT).join()).contains("v");
            }
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(deleted(mappings(region)))
                            .as("mappings of removed region files at %s", region)
                            .isEmpty());
            assertThat(mappings(region))
                    .as("the server's mapping and the client's")
                    .hasSize(2);
        } finally {
            server.close();
        }
        assertThat(mappings(region)).isEmpty();
    }

    /**
     * Sync gets on several threads while the server restarts under them: the threads read answers and the
     * server's state without the drive token, so a mapping unmapped under one of them would crash the JVM.
     */
    @Test
    void syncGetsWhileTheServerRestartsNeverTouchAnUnmappedRegion() throws Exception {
        KvsServer server = small().build();
        server.start();
        Path region = server.path();
        ConnectionOptions options =
                ConnectionOptions.builder().serverTimeout(Duration.ofSeconds(2)).build();
        try (KvsConnection conn = KvsConnection.connect(name, options)) {
            AsyncKvsClient<String, String> c = conn.async(Codecs.string(), Codecs.string());
            assertThat(c.set("k", "v").join()).isTrue();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong answered = new AtomicLong();
            AtomicLong unavailable = new AtomicLong();
            ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                Thread thread = new Thread(
                        () -> {
                            while (!stop.get()) {
                                try {
                                    Optional<String> value =
                                            c.get("k", Duration.ofSeconds(2)).join();
                                    if (value.isPresent() && !value.get().equals("v")) {
                                        unexpected.add(new AssertionError("wrong answer " + value));
                                    }
                                    answered.incrementAndGet();
                                } catch (CompletionException e) {
                                    if (e.getCause() instanceof KvsUnavailableException
                                            || e.getCause() instanceof KvsTimeoutException) {
                                        unavailable.incrementAndGet();
                                    } else {
                                        unexpected.add(e);
                                    }
                                } catch (Throwable e) {
                                    unexpected.add(e);
                                }
                            }
                        },
                        "sync-get-" + t);
                thread.start();
                threads.add(thread);
            }
            try {
                for (int restart = 0; restart < 12; restart++) {
                    long before = answered.get();
                    await().atMost(Duration.ofSeconds(30)).until(() -> answered.get() > before + 200);
                    if (restart % 3 == 2) {
                        server.close();
                        server = small().build();
                    } else {
                        server.stop();
                    }
                    server.start();
                }
                long before = answered.get();
                await().atMost(Duration.ofSeconds(30)).until(() -> answered.get() > before + 200);
            } finally {
                stop.set(true);
                for (Thread thread : threads) {
                    thread.join();
                }
            }
            assertThat(unexpected)
                    .as("calls that failed other than unavailable or timed out")
                    .isEmpty();
            assertThat(unavailable.get()).as("calls failed by the restarts").isPositive();
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(mappings(region))
                            .as("the server's mapping and the client's, none deleted")
                            .hasSize(2)
                            .noneMatch(line -> line.endsWith("(deleted)")));
        } finally {
            server.close();
        }
        assertThat(mappings(region)).isEmpty();
    }

    /** The lines of {@code /proc/self/maps} that map exactly {@code file} (not {@code file.store}). */
    static List<String> mappings(Path file) throws IOException {
        String path = file.toAbsolutePath().toString();
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String[] fields = line.trim().split("\\s+", 6);
            if (fields.length < 6) {
                continue;
            }
            String mapped = fields[5];
            if (mapped.equals(path) || mapped.equals(path + " (deleted)")) {
                lines.add(line);
            }
        }
        return lines;
    }

    private static List<String> deleted(List<String> lines) {
        List<String> deleted = new ArrayList<>();
        for (String line : lines) {
            if (line.endsWith("(deleted)")) {
                deleted.add(line);
            }
        }
        return deleted;
    }
}
