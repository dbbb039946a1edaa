package io.concurrentkvs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.concurrentkvs.blocking.KvsClient;
import io.concurrentkvs.core.AsyncKvsClient;
import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.KvsStats;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The semantics of every operation, against a real server JVM, through the blocking client and the
 * {@code CompletableFuture} client of this (the test) process.
 */
class OperationSemanticsTest {
    @RegisterExtension
    final ProcessFixture processes = new ProcessFixture();

    private ServerProcess server;
    private KvsClient<String, String> kvs;
    private AsyncKvsClient<String, String> async;

    @BeforeEach
    void startServerAndConnect() {
        server = ServerProcess.start(processes, "ops");
        kvs = KvsClient.connect(server.name(), Codecs.string(), Codecs.string());
        async = kvs.async();
    }

    @AfterEach
    void disconnect() {
        if (kvs != null) {
            kvs.close();
        }
    }

    @Test
    void setInsertsThenUpdatesAndGetReturnsTheLatestValue() {
        assertThat(kvs.set("colour", "red")).isTrue();
        assertThat(kvs.get("colour")).contains("red");
        assertThat(kvs.set("colour", "blue")).isTrue();
        assertThat(kvs.get("colour")).contains("blue");
    }

    @Test
    void postNeverOverwritesAnExistingKey() {
        assertThat(kvs.post("city", "Oslo")).isTrue();
        assertThat(kvs.post("city", "Lima")).isFalse();
        assertThat(kvs.get("city")).contains("Oslo");

        assertThat(kvs.set("city", "Rome")).isTrue();
        assertThat(kvs.post("city", "Lima")).isFalse();
        assertThat(kvs.get("city")).contains("Rome");

        assertThat(kvs.del("city")).isTrue();
        assertThat(kvs.post("city", "Lima")).isTrue();
        assertThat(kvs.get("city")).contains("Lima");
    }

    @Test
    void getOfAnAbsentKeyIsEmptyAndDelOfAnAbsentKeyIsFalse() {
        assertThat(kvs.get("never-written")).isEmpty();
        assertThat(kvs.del("never-written")).isFalse();
        assertThat(kvs.get("never-written")).isEmpty();
    }

    @Test
    void delRemovesAKeyExactlyOnce() {
        kvs.set("ticket", "42");
        assertThat(kvs.del("ticket")).isTrue();
        assertThat(kvs.del("ticket")).isFalse();
        assertThat(kvs.get("ticket")).isEmpty();
    }

    @Test
    void anEmptyValueIsStoredAndIsDistinctFromAnAbsentKey() {
        assertThat(kvs.set("blank", "")).isTrue();
        assertThat(kvs.get("blank")).contains("");
        assertThat(kvs.post("blank", "filled")).isFalse();
        assertThat(kvs.del("blank")).isTrue();
        assertThat(kvs.get("blank")).isEmpty();
    }

    @Test
    void asyncOperationsHaveTheSameSemanticsAsBlockingOnes() {
        assertThat(async.get("a").join()).isEmpty();
        assertThat(async.post("a", "1").join()).isTrue();
        assertThat(async.post("a", "2").join()).isFalse();
        assertThat(async.set("a", "3").join()).isTrue();
        assertThat(async.get("a").join()).contains("3");
        assertThat(async.del("a").join()).isTrue();
        assertThat(async.del("a").join()).isFalse();
        assertThat(kvs.getAsync("a").join()).isEmpty();
    }

    @Test
    void oversizedKeysAndValuesFailAtTheCallNamingTheLimit() {
        String hugeKey = "k".repeat(kvs.connection().maxKeyBytes() + 1);
        String hugeValue = "v".repeat(kvs.connection().maxValueBytes() + 1);
        assertThatThrownBy(() -> kvs.set(hugeKey, "v"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxKeyBytes");
        assertThatThrownBy(() -> kvs.set("k", hugeValue))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxValueBytes");
        assertThat(kvs.get("k")).isEmpty();
    }

    @Test
    void theServerCountsWhatItServed() {
        kvs.set("x", "1");
        kvs.post("x", "2");
        kvs.get("x");
        kvs.get("missing");
        kvs.del("x");
        kvs.del("x");
        // Counters are published once per heartbeat, each on its own: wait until they all agree.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            KvsStats stats = KvsStats.read(server.name());
            assertThat(stats.sets()).isEqualTo(1);
            assertThat(stats.posts()).isEqualTo(1);
            assertThat(stats.postsRejected()).isEqualTo(1);
            assertThat(stats.gets()).isEqualTo(2);
            assertThat(stats.getHits()).isEqualTo(1);
            assertThat(stats.dels()).isEqualTo(2);
            assertThat(stats.delHits()).isEqualTo(1);
            assertThat(stats.serverPid()).isEqualTo(server.child().pid());
        });
    }

    @Test
    void valuesSurviveTheClientThatWroteThem() {
        kvs.set("durable", "yes");
        kvs.close();
        kvs = KvsClient.connect(server.name(), Codecs.string(), Codecs.string());
        assertThat(kvs.get("durable")).isEqualTo(Optional.of("yes"));
    }
}
