package io.concurrentkvs.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CompletableFuture client against an in-process server. */
class AsyncKvsClientTest {
    private final String name = "kvs-async-" + ProcessHandle.current().pid() + "-"
            + ThreadLocalRandom.current().nextInt(1 << 30);
    private KvsServer server;
    private KvsConnection connection;
    private AsyncKvsClient<String, String> client;

    @BeforeEach
    void start() {
        server = KvsServer.builder(name)
                .workers(1)
                .maxKeyBytes(32)
                .maxValueBytes(64)
                .responseSlotsPerClient(64)
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
    }

    @Test
    void setInsertsAndUpdates() {
        assertThat(client.set("k", "v1").join()).isTrue();
        assertThat(client.set("k", "v2").join()).isTrue();
        assertThat(client.get("k").join()).contains("v2");
        assertThat(server.storageSize()).isEqualTo(1);
    }

    @Test
    void postNeverOverwritesAnExistingKey() {
        assertThat(client.post("k", "first").join()).isTrue();
        assertThat(client.post("k", "second").join()).isFalse();
        assertThat(client.get("k").join()).contains("first");
    }

    @Test
    void delAndGetOfAnAbsentKeyAnswerFalseAndEmpty() {
        assertThat(client.del("absent").join()).isFalse();
        assertThat(client.get("absent").join()).isEmpty();
        client.set("k", "v").join();
        assertThat(client.del("k").join()).isTrue();
        assertThat(client.del("k").join()).isFalse();
    }

    @Test
    void anEmptyValueIsAValueNotAnAbsence() {
        assertThat(client.set("k", "").join()).isTrue();
        assertThat(client.get("k").join()).isEqualTo(Optional.of(""));
        assertThat(client.post("k", "x").join()).isFalse();
    }

    @Test
    void oversizedKeysAndValuesFailAtTheCallNamingTheLimit() {
        assertThatThrownBy(() -> client.set("k".repeat(33), "v"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxKeyBytes")
                .hasMessageContaining("32");
        assertThatThrownBy(() -> client.set("k", "v".repeat(65)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxValueBytes")
                .hasMessageContaining("64");
        assertThat(connection.inFlight()).isZero();
        assertThat(client.set("k".repeat(32), "v".repeat(64)).join()).isTrue();
    }

    @Test
    void nullKeysAndValuesFailAtTheCall() {
        assertThatThrownBy(() -> client.get(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("key");
        assertThatThrownBy(() -> client.set("k", null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("value");
    }

    @Test
    void thousandsOfFuturesInFlightBeyondTheResponseSlotsAllCompleteCorrectly() {
        List<CompletableFuture<Boolean>> sets = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            sets.add(client.set("key" + i, "value" + i));
        }
        sets.forEach(f -> assertThat(f.join()).isTrue());
        List<CompletableFuture<Optional<String>>> gets = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            gets.add(client.get("key" + i));
        }
        for (int i = 0; i < 5000; i++) {
            assertThat(gets.get(i).join()).contains("value" + i);
        }
        assertThat(server.storageSize()).isEqualTo(5000);
        await().atMost(Duration.ofSeconds(10)).until(() -> connection.inFlight() == 0);
    }

    @Test
    void allCodecsRoundTrip() {
        AsyncKvsClient<Integer, Long> numbers = connection.async(Codecs.int32(), Codecs.int64());
        numbers.set(-7, Long.MIN_VALUE).join();
        assertThat(numbers.get(-7).join()).contains(Long.MIN_VALUE);
        AsyncKvsClient<byte[], byte[]> bytes = connection.async(Codecs.bytes(), Codecs.bytes());
        bytes.set(new byte[] {1, 2}, new byte[] {0, -1, 3}).join();
        assertThat(bytes.get(new byte[] {1, 2}).join().orElseThrow()).containsExactly(0, -1, 3);
        record Point(int x, int y) {}
        Codec<Point> points = Codec.of(p -> (p.x() + "," + p.y()).getBytes(), b -> {
            String[] s = new String(b).split(",");
            return new Point(Integer.parseInt(s[0]), Integer.parseInt(s[1]));
        });
        AsyncKvsClient<String, Point> custom = connection.async(Codecs.string(), points);
        custom.set("p", new Point(3, -4)).join();
        assertThat(custom.get("p").join()).contains(new Point(3, -4));
    }

    @Test
    void aValueTheCodecCannotDecodeFailsTheRequestWithKvsException() {
        client.set("short", "abc").join();
        AsyncKvsClient<String, Long> longs = connection.async(Codecs.string(), Codecs.int64());
        assertThatThrownBy(() -> longs.get("short").join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(KvsException.class)
                .hasMessageContaining("int64");
    }

    @Test
    void stopFailsNewRequestsFastAndARestartIsReattachedByTheSameConnection() {
        client.set("k", "v").join();
        server.stop();
        assertThatThrownBy(() -> client.get("k").join()).hasCauseInstanceOf(KvsUnavailableException.class);
        assertThat(server.start()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(connection::isConnected);
        assertThat(client.get("k").join()).contains("v");
    }

    @Test
    void aSecondServerOnALiveNameIsRefusedNamingThePid() {
        try (KvsServer second = KvsServer.builder(name).build()) {
            assertThatThrownBy(second::start)
                    .isInstanceOf(KvsRegionInUseException.class)
                    .hasMessageContaining(String.valueOf(ProcessHandle.current().pid()));
        }
        assertThat(client.set("still", "served").join()).isTrue();
    }

    @Test
    void statsReflectTheOperationsJustMade() {
        for (int i = 0; i < 10; i++) {
            client.set("s" + i, "v").join();
        }
        client.get("s1").join();
        client.get("absent").join();
        client.post("s1", "x").join();
        client.del("s2").join();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            KvsStats stats = KvsStats.read(name);
            assertThat(stats.sets()).isEqualTo(10);
            assertThat(stats.gets()).isEqualTo(2);
            assertThat(stats.getHits()).isEqualTo(1);
            assertThat(stats.postsRejected()).isEqualTo(1);
            assertThat(stats.delHits()).isEqualTo(1);
            assertThat(stats.storedEntries()).isEqualTo(9);
            assertThat(stats.clientsConnected()).isEqualTo(1);
            assertThat(stats.state()).isEqualTo("RUNNING");
            assertThat(stats.serverAlive()).isTrue();
        });
    }

    @Test
    void startTwiceReturnsFalse() {
        assertThat(server.start()).isFalse();
        assertThat(server.isRunning()).isTrue();
    }

    @Test
    void aClosedConnectionFailsCallsWithUnavailable() {
        connection.close();
        assertThatThrownBy(() -> client.get("k").join())
                .hasCauseInstanceOf(KvsUnavailableException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void connectingToANameWithNoServerFailsNamingThePath() {
        assertThatThrownBy(() -> KvsConnection.connect(name + "-none"))
                .isInstanceOf(KvsUnavailableException.class)
                .hasMessageContaining(name + "-none");
    }
}
