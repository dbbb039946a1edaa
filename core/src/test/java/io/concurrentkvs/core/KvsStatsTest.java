package io.concurrentkvs.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link KvsStats#read} reports the store file's numbers and the capacity counters of a real server. */
class KvsStatsTest {
    private static final long MAX_ENTRIES = 4;
    private static final long DATA_BYTES = 1 << 20;

    private final String name = "kvs-stats-" + ProcessHandle.current().pid() + "-"
            + ThreadLocalRandom.current().nextInt(1 << 30);
    private KvsServer server;
    private KvsConnection connection;
    private AsyncKvsClient<String, String> client;

    @BeforeEach
    void start() {
        server = KvsServer.builder(name)
                .workers(1)
                .stripes(2)
                .maxKeyBytes(32)
                .maxValueBytes(64)
                .maxEntries(MAX_ENTRIES)
                .maxDataBytes(DATA_BYTES)
                .build();
        assertThat(server.start()).isTrue();
        connection = KvsConnection.connect(name);
        client = connection.async(Codecs.string(), Codecs.string());
    }

    @AfterEach
    void stop() {
        connection.close();
        server.close();
        KvsServer.destroy(server.path());
        assertThat(server.path()).doesNotExist();
        assertThat(server.storePath()).doesNotExist();
    }

    @Test
    void anEmptyStoreReportsItsCapacityAndNothingInUse() {
        KvsStats stats = KvsStats.read(name);

        assertThat(stats.storePath()).isEqualTo(server.storePath());
        assertThat(stats.maxEntries()).isEqualTo(MAX_ENTRIES);
        assertThat(stats.storeDataBytes()).isEqualTo(DATA_BYTES); // a whole number of 16 KiB pages
        assertThat(stats.storeFreeBytes()).isEqualTo(DATA_BYTES);
        assertThat(stats.storeLiveBytes()).isZero();
        assertThat(stats.storeBlockBytes()).isZero();
        assertThat(stats.storePageBytes()).isZero();
        assertThat(stats.storeFragmentation()).isZero();
        assertThat(stats.capacityRejections()).isZero();
        assertThat(stats.corruptEntries()).isZero();
    }

    @Test
    void writesMoveTheStoreNumbersAndAFullStoreCountsItsRejections() {
        for (int i = 0; i < MAX_ENTRIES; i++) {
            assertThat(client.set("key-" + i, "value-" + i).join()).isTrue();
        }
        KvsStats full = KvsStats.read(name);
        // Each record: a 24-byte header, a 5-byte key and a 7-byte value.
        assertThat(full.storeLiveBytes()).isEqualTo(MAX_ENTRIES * (24 + 5 + 7));
        assertThat(full.storeBlockBytes()).isGreaterThanOrEqualTo(full.storeLiveBytes());
        assertThat(full.storePageBytes())
                .isGreaterThanOrEqualTo(full.storeBlockBytes())
                .isPositive();
        assertThat(full.storeFreeBytes()).isEqualTo(full.storeDataBytes() - full.storePageBytes());
        assertThat(full.storeFragmentation())
                .isStrictlyBetween(0.0, 1.0)
                .isEqualTo(1.0 - (double) full.storeLiveBytes() / full.storePageBytes());

        assertThatThrownBy(() -> client.set("one-too-many", "v").join()).hasCauseInstanceOf(KvsCapacityException.class);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            KvsStats stats = KvsStats.read(name);
            assertThat(stats.capacityRejections()).isEqualTo(1);
            assertThat(stats.storedEntries()).isEqualTo(MAX_ENTRIES);
        });

        assertThat(client.del("key-0").join()).isTrue();
        KvsStats afterDel = KvsStats.read(name);
        assertThat(afterDel.storeLiveBytes()).isEqualTo((MAX_ENTRIES - 1) * (24 + 5 + 7));
        assertThat(afterDel.storeBlockBytes()).isLessThan(full.storeBlockBytes());
    }

    @Test
    void theStoreNumbersOutliveTheServerAndAreZeroWithoutAStoreFile() throws Exception {
        client.set("k", "v").join();
        server.stop();

        KvsStats stopped = KvsStats.read(name);
        assertThat(stopped.state()).isEqualTo("STOPPED");
        assertThat(stopped.storeLiveBytes()).isEqualTo(24 + 1 + 1);
        assertThat(stopped.maxEntries()).isEqualTo(MAX_ENTRIES);

        Files.delete(server.storePath());
        KvsStats noStore = KvsStats.read(name);
        assertThat(noStore.maxEntries()).isZero();
        assertThat(noStore.storeLiveBytes()).isZero();
        assertThat(noStore.storeDataBytes()).isZero();
        assertThat(noStore.storeFreeBytes()).isZero();
        assertThat(noStore.storeFragmentation()).isZero();
    }
}
