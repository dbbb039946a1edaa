package io.concurrentkvs.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The store's life across server runs in one JVM: data kept over stop and close, {@code fresh}, {@code
 * destroy} refused while serving, capacity failures through the async view, and settings a store cannot
 * be adopted with. (it-tests cover the same across real processes and {@code kill -9}.)
 */
class StoreLifecycleTest {
    private final String name = "kvs-store-" + ProcessHandle.current().pid() + "-"
            + ThreadLocalRandom.current().nextInt(1 << 30);

    @AfterEach
    void cleanUp() {
        KvsServer.destroy(name);
    }

    private KvsServer.Builder small() {
        return KvsServer.builder(name)
                .workers(1)
                .maxKeyBytes(32)
                .maxValueBytes(256)
                .maxEntries(1000)
                .maxDataBytes(1 << 20);
    }

    @Test
    void dataOutlivesStopAndCloseAndFreshDiscardsIt() {
        try (KvsServer server = small().build();
                KvsConnection conn = KvsConnection.connect(startAndName(server))) {
            AsyncKvsClient<String, String> c = conn.async(Codecs.string(), Codecs.string());
            for (int i = 0; i < 100; i++) {
                assertThat(c.set("k" + i, "v" + i).join()).isTrue();
            }
            assertThat(c.del("k0").join()).isTrue();
            server.stop();
            assertThat(server.storageSize()).isEqualTo(99);
            server.start();
            assertThat(server.storageSize()).isEqualTo(99);
            await().atMost(Duration.ofSeconds(10)).until(conn::isConnected);
            assertThat(c.get("k1").join()).contains("v1");
            assertThat(c.get("k0").join()).isEmpty();
        }
        assertThat(Files.exists(KvsServer.builder(name).build().storePath())).isTrue();
        try (KvsServer next = small().build()) {
            next.start();
            assertThat(next.storageSize()).isEqualTo(99);
            try (KvsConnection conn = KvsConnection.connect(name)) {
                assertThat(conn.async(Codecs.string(), Codecs.string())
                                .get("k99")
                                .join())
                        .contains("v99");
            }
        }
        try (KvsServer fresh = small().fresh(true).build()) {
            fresh.start();
            assertThat(fresh.storageSize()).isZero();
            try (KvsConnection conn = KvsConnection.connect(name)) {
                assertThat(conn.async(Codecs.string(), Codecs.string())
                                .get("k99")
                                .join())
                        .isEmpty();
            }
        }
    }

    private String startAndName(KvsServer server) {
        server.start();
        return name;
    }

    @Test
    void destroyIsRefusedWhileServingAndRemovesEverythingAfter() {
        KvsServer server = small().build();
        server.start();
        try {
            assertThatThrownBy(() -> KvsServer.destroy(name))
                    .isInstanceOf(KvsRegionInUseException.class)
                    .hasMessageContaining(String.valueOf(ProcessHandle.current().pid()));
            assertThat(Files.exists(server.storePath())).isTrue();
        } finally {
            server.stop();
        }
        KvsServer.destroy(name);
        assertThat(Files.exists(server.storePath())).isFalse();
        assertThat(Files.exists(server.path())).isFalse();
        server.close();
        KvsServer.destroy(name); // nothing left: a no-op
    }

    @Test
    void theEntryAfterMaxEntriesFailsWithCapacityAndTheServerKeepsServing() {
        try (KvsServer server = small().maxEntries(10).build()) {
            server.start();
            try (KvsConnection conn = KvsConnection.connect(name)) {
                AsyncKvsClient<String, String> c = conn.async(Codecs.string(), Codecs.string());
                for (int i = 0; i < 10; i++) {
                    assertThat(c.post("k" + i, "v").join()).isTrue();
                }
                assertThatThrownBy(() -> c.set("k10", "v").join())
                        .isInstanceOf(CompletionException.class)
                        .hasCauseInstanceOf(KvsCapacityException.class)
                        .hasMessageContaining("maxEntries = 10");
                assertThat(c.set("k3", "updated").join()).isTrue();
                assertThat(c.get("k3").join()).contains("updated");
                assertThat(c.del("k4").join()).isTrue();
                assertThat(c.set("k10", "v").join()).isTrue();
                assertThat(server.storageSize()).isEqualTo(10);
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> KvsStats.read(name).storedEntries() == 10);
            }
        }
    }

    @Test
    void aStoreIsNotAdoptedWithOtherSettings() {
        try (KvsServer server = small().build()) {
            server.start();
        }
        try (KvsServer other = small().maxEntries(2000).build()) {
            assertThatThrownBy(other::start)
                    .isInstanceOf(KvsIncompatibleRegionException.class)
                    .hasMessageContaining("maxEntries=1000")
                    .hasMessageContaining("fresh(true)");
            assertThat(other.isRunning()).isFalse();
        }
        try (KvsServer other = small().maxEntries(2000).fresh(true).build()) {
            assertThat(other.start()).isTrue();
        }
    }
}
