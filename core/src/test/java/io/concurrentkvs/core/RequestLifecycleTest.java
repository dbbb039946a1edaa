package io.concurrentkvs.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.concurrentkvs.core.internal.layout.ResponseStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Timeouts, cancellation, late and stray answers, with the test playing the server by hand. */
class RequestLifecycleTest {
    @TempDir
    Path dir;

    private ManualServer server;
    private KvsConnection connection;
    private AsyncKvsClient<String, String> client;

    @BeforeEach
    void start() {
        Path path = dir.resolve("region");
        server = new ManualServer(path, 4);
        connection = KvsConnection.connect(
                "manual", ConnectionOptions.builder().path(path).build());
        client = connection.async(Codecs.string(), Codecs.string());
    }

    @AfterEach
    void stop() {
        connection.close();
        server.close();
    }

    private ManualServer.Taken awaitRequest() {
        ManualServer.Taken[] taken = new ManualServer.Taken[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> (taken[0] = server.take()) != null);
        return taken[0];
    }

    @Test
    void aRequestWithoutAnswerTimesOutAndFreesItsSlot() {
        CompletableFuture<Optional<String>> f = client.get("k", Duration.ofMillis(200));
        awaitRequest();
        assertThatThrownBy(f::join)
                .hasCauseInstanceOf(KvsTimeoutException.class)
                .hasMessageContaining("GET")
                .hasMessageContaining("200 ms");
        await().atMost(Duration.ofSeconds(10)).until(() -> connection.inFlight() == 0);
    }

    @Test
    void aLateAnswerIsRefusedAndNeverCompletesTheNextRequestInTheSameSlot() {
        CompletableFuture<Optional<String>> first = client.get("k", Duration.ofMillis(100));
        ManualServer.Taken late = awaitRequest();
        assertThatThrownBy(first::join).hasCauseInstanceOf(KvsTimeoutException.class);
        await().until(() -> connection.inFlight() == 0);

        CompletableFuture<Optional<String>> second = client.get("k2");
        ManualServer.Taken current = awaitRequest();
        assertThat(server.answer(late, ResponseStatus.FOUND, bytes("stale"))).isFalse();
        assertThat(second).isNotDone();
        assertThat(server.answer(current, ResponseStatus.FOUND, bytes("fresh"))).isTrue();
        assertThat(second.join()).contains("fresh");
    }

    @Test
    void cancellingAFutureFreesItsSlotAndRefusesTheAnswer() {
        CompletableFuture<Boolean> f = client.set("k", "v");
        ManualServer.Taken taken = awaitRequest();
        f.cancel(false);
        await().atMost(Duration.ofSeconds(10)).until(() -> connection.inFlight() == 0);
        assertThat(server.answer(taken, ResponseStatus.TRUE, null)).isFalse();
    }

    @Test
    void requestsBeyondTheSlotsWaitAndAreSentAsSlotsFree() {
        CompletableFuture<?>[] futures = new CompletableFuture<?>[10];
        for (int i = 0; i < futures.length; i++) {
            futures[i] = client.del("k" + i);
        }
        // Requests queued together travel in one batch: answer batches until every request is answered.
        CompletableFuture<Void> all = CompletableFuture.allOf(futures);
        ManualServer.Taken[] taken = new ManualServer.Taken[1];
        while (!all.isDone()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> all.isDone() || (taken[0] = server.take()) != null);
            if (taken[0] != null) {
                server.answer(taken[0], ResponseStatus.FALSE, null);
                taken[0] = null;
            }
        }
        for (CompletableFuture<?> f : futures) {
            assertThat(f.join()).isEqualTo(Boolean.FALSE);
        }
    }

    @Test
    void aMalformedStatusFailsWithKvsException() {
        CompletableFuture<Boolean> f = client.set("k", "v");
        server.answer(awaitRequest(), ResponseStatus.MALFORMED, null);
        assertThatThrownBy(f::join).hasCauseInstanceOf(KvsException.class).hasMessageContaining("malformed");
    }

    @Test
    void aStoppedServerFailsPendingRequestsWithUnavailable() {
        CompletableFuture<Boolean> f = client.set("k", "v");
        awaitRequest();
        server.stop();
        assertThatThrownBy(f::join)
                .hasCauseInstanceOf(KvsUnavailableException.class)
                .hasMessageContaining("stopped");
    }

    @Test
    void closingTheConnectionFailsPendingRequests() {
        CompletableFuture<Boolean> f = client.set("k", "v");
        awaitRequest();
        connection.close();
        assertThatThrownBy(f::join)
                .hasCauseInstanceOf(KvsUnavailableException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void aServerWithoutHeartbeatIsDeclaredDeadWithinTheServerTimeout() {
        CompletableFuture<Boolean> f = client.set("k", "v", Duration.ofSeconds(30));
        awaitRequest();
        // No more heartbeats: the client gives up after ConnectionOptions.DEFAULT_SERVER_TIMEOUT, not 30 s.
        assertThatThrownBy(f::join)
                .hasCauseInstanceOf(KvsUnavailableException.class)
                .hasMessageContaining("heartbeat");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
