package io.concurrentkvs.blocking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.ConnectionOptions;
import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.core.KvsServer;
import io.concurrentkvs.core.KvsTimeoutException;
import io.concurrentkvs.core.KvsUnavailableException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KvsClientTest {
    private final String name = "kvs-blocking-" + ProcessHandle.current().pid() + "-"
            + ThreadLocalRandom.current().nextInt(1 << 30);
    private KvsServer server;

    @BeforeEach
    void start() {
        server = KvsServer.builder(name).workers(1).maxValueBytes(16).build();
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
        KvsServer.destroy(server.path());
    }

    @Test
    void theOriginalsSynchronousSemantics() {
        try (KvsClient<Integer, String> kvs = KvsClient.connect(name, Codecs.int32(), Codecs.string())) {
            assertThat(kvs.set(42, "100")).isTrue();
            assertThat(kvs.get(42)).contains("100");
            assertThat(kvs.post(42, "200")).isFalse();
            assertThat(kvs.post(43, "200")).isTrue();
            assertThat(kvs.del(42)).isTrue();
            assertThat(kvs.del(42, 1000)).isFalse();
            assertThat(kvs.get(42, 1000)).isEqualTo(Optional.empty());
            assertThat(kvs.get(43)).contains("200");
        }
    }

    @Test
    void asyncVariantsCompleteWithTheSameAnswers() {
        try (KvsClient<String, String> kvs = KvsClient.connect(name, Codecs.string(), Codecs.string())) {
            assertThat(kvs.setAsync("k", "v").join()).isTrue();
            assertThat(kvs.postAsync("k", "w", 1000).join()).isFalse();
            assertThat(kvs.getAsync("k").join()).contains("v");
            assertThat(kvs.delAsync("k").join()).isTrue();
            assertThat(kvs.delAsync("k", 1000).join()).isFalse();
        }
    }

    @Test
    void failuresAreThrownUnwrappedNeverASilentFalse() {
        KvsClient<String, String> kvs = KvsClient.connect(name, Codecs.string(), Codecs.string());
        kvs.close();
        assertThatThrownBy(() -> kvs.set("k", "v")).isInstanceOf(KvsUnavailableException.class);
        server.stop();
        try (KvsConnection conn = KvsConnection.connect(name)) {
            throw new AssertionError("connect to a stopped server must fail, got " + conn);
        } catch (KvsUnavailableException expected) {
            assertThat(expected).hasMessageContaining("STOPPED");
        }
    }

    @Test
    void badInputFailsAtTheCall() {
        try (KvsClient<String, String> kvs = KvsClient.connect(name, Codecs.string(), Codecs.string())) {
            assertThatThrownBy(() -> kvs.set("k", "x".repeat(17)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("maxValueBytes");
            assertThatThrownBy(() -> kvs.get("k", 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("timeoutMs");
            assertThatThrownBy(() -> kvs.get(null)).isInstanceOf(NullPointerException.class);
        }
    }

    @Test
    void closingAClientMadeByConnectClosesItsConnectionButOfLeavesItOpen() {
        KvsClient<String, String> owned = KvsClient.connect(name, Codecs.string(), Codecs.string());
        owned.close();
        assertThat(owned.connection().isConnected()).isFalse();

        try (KvsConnection conn = KvsConnection.connect(name)) {
            KvsClient<String, String> view = KvsClient.of(conn, Codecs.string(), Codecs.string());
            view.close();
            assertThat(conn.isConnected()).isTrue();
            assertThat(KvsClient.of(conn, Codecs.string(), Codecs.string()).set("k", "v"))
                    .isTrue();
        }
    }

    @Test
    void theDefaultTimeoutIsTheOriginals5000MsAndTheConnectionsDefault() {
        assertThat(KvsClient.DEFAULT_TIMEOUT_MS).isEqualTo(5000);
        assertThat(ConnectionOptions.DEFAULT_TIMEOUT).isEqualTo(Duration.ofMillis(KvsClient.DEFAULT_TIMEOUT_MS));
    }

    @Test
    void callsWithoutATimeoutUseTheConnectionsDefaultTimeout() {
        // A server of its own whose workers never skip the frozen slot within the test.
        String stalled = name + "-stalled";
        ConnectionOptions shortDefault = ConnectionOptions.builder()
                .defaultTimeout(Duration.ofMillis(150))
                .build();
        try (KvsServer quiet = KvsServer.builder(stalled)
                .workers(1)
                .stallTimeout(Duration.ofMinutes(10))
                .build()) {
            quiet.start();
            try (KvsClient<String, String> kvs =
                            KvsClient.connect(stalled, shortDefault, Codecs.string(), Codecs.string());
                    FrozenRing frozen = FrozenRing.freeze(quiet)) {
                // The message names the timeout the request was sent with: the connection's 150 ms, not 5000.
                assertThatThrownBy(() -> kvs.get("k"))
                        .isInstanceOf(KvsTimeoutException.class)
                        .hasMessageContaining("150 ms");
                assertThatThrownBy(() -> kvs.set("k", "v"))
                        .isInstanceOf(KvsTimeoutException.class)
                        .hasMessageContaining("150 ms");
                assertThatThrownBy(() -> kvs.post("k", "v"))
                        .isInstanceOf(KvsTimeoutException.class)
                        .hasMessageContaining("150 ms");
                assertThatThrownBy(() -> kvs.del("k"))
                        .isInstanceOf(KvsTimeoutException.class)
                        .hasMessageContaining("150 ms");
                // The async view of the same connection agrees.
                assertThatThrownBy(() -> kvs.getAsync("k").join())
                        .hasCauseInstanceOf(KvsTimeoutException.class)
                        .hasMessageContaining("150 ms");
            }
        } finally {
            KvsServer.destroy(stalled);
        }
    }
}
