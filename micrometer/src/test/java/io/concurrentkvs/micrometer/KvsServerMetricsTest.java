package io.concurrentkvs.micrometer;

import static io.concurrentkvs.micrometer.TestServer.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import io.concurrentkvs.core.KvsStats;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link KvsServerMetrics} against a real in-process server, compared with {@link KvsStats}. */
class KvsServerMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TestServer store;

    @BeforeEach
    void start() {
        store = TestServer.start("server", b -> b);
        new KvsServerMetrics(store.server).bindTo(registry);
    }

    @AfterEach
    void stop() {
        store.close();
    }

    private double served(String op) {
        return registry.get(KvsServerMetrics.REQUESTS)
                .tag("op", op)
                .functionCounter()
                .count();
    }

    private double entries() {
        return registry.get(KvsServerMetrics.ENTRIES).gauge().value();
    }

    @Test
    void theRequestCountersEqualTheStatsAndTheEntriesGaugeReadsTheStoredEntries() {
        var c = store.client;
        c.set("a", "1").join();
        c.set("b", "2").join();
        c.set("c", "3").join();
        c.get("a").join();
        c.get("z").join();
        c.post("d", "4").join();
        c.del("a").join();

        // Published once per heartbeat: wait until the last request is in.
        awaitTrue(() -> served("del") == 1 && KvsStats.read(store.name).dels() == 1);
        KvsStats stats = KvsStats.read(store.name);
        assertThat(served("get")).isEqualTo(2).isEqualTo(stats.gets());
        assertThat(served("set")).isEqualTo(3).isEqualTo(stats.sets());
        assertThat(served("post")).isEqualTo(1).isEqualTo(stats.posts());
        assertThat(served("del")).isEqualTo(1).isEqualTo(stats.dels());
        assertThat(entries()).isEqualTo(3).isEqualTo(store.server.storageSize());
        awaitTrue(() -> KvsStats.read(store.name).storedEntries() == 3);
        assertThat(registry.get(KvsServerMetrics.ENTRIES).gauge().getId().getTag("store"))
                .isEqualTo(store.name);
    }

    @Test
    void theRequestCountersCountOnOverARestartWhereTheStatsStartAgain() {
        store.client.get("a").join();
        store.client.get("b").join();
        awaitTrue(() -> served("get") == 2);
        store.server.stop();
        assertThat(served("get")).isEqualTo(2);
        store.server.start();
        awaitTrue(store.connection::isConnected);
        store.client.get("c").join();
        awaitTrue(() -> KvsStats.read(store.name).gets() == 1);
        awaitTrue(() -> served("get") == 3);
        assertThat(served("set")).isZero();
    }
}
