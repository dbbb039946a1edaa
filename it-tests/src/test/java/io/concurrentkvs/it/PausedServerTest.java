package io.concurrentkvs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.concurrentkvs.blocking.KvsClient;
import io.concurrentkvs.core.AsyncKvsClient;
import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.ConnectionOptions;
import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.core.KvsStats;
import io.concurrentkvs.core.KvsTimeoutException;
import io.concurrentkvs.core.KvsUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Requests to a server JVM frozen with SIGSTOP: timeouts, late answers, and thousands of requests in
 * flight at once. The client here tolerates a silent server for a minute ({@code serverTimeout}), so a
 * pause shows up as request timeouts rather than as the server being declared dead.
 */
class PausedServerTest {
    private static final ConnectionOptions PATIENT = ConnectionOptions.builder()
            .serverTimeout(Duration.ofSeconds(60))
            .defaultTimeout(Duration.ofSeconds(60))
            .build();
    private static final Duration SHORT = Duration.ofMillis(300);

    @RegisterExtension
    final ProcessFixture processes = new ProcessFixture();

    private KvsConnection conn;

    @AfterEach
    void disconnect() {
        if (conn != null) {
            conn.close();
        }
    }

    private AsyncKvsClient<String, String> connect(ServerProcess server) {
        conn = KvsConnection.connect(server.name(), PATIENT);
        return conn.async(Codecs.string(), Codecs.string());
    }

    @Test
    void requestsToAPausedServerFailWithKvsTimeoutExceptionAndSucceedOnceItResumes() {
        ServerProcess server = ServerProcess.start(processes, "pause");
        AsyncKvsClient<String, String> async = connect(server);
        KvsClient<String, String> sync = KvsClient.of(conn, Codecs.string(), Codecs.string());
        assertThat(sync.set("k", "v")).isTrue();

        server.child().pause();
        assertThatThrownBy(() -> sync.get("k", SHORT.toMillis()))
                .isInstanceOf(KvsTimeoutException.class)
                .hasMessageContaining("300 ms");
        CompletableFuture<Boolean> asyncSet = async.set("k", "lost?", SHORT);
        assertThatThrownBy(asyncSet::join)
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(KvsTimeoutException.class);
        server.child().resume();

        // Timing out does not undo a write the server applies later: "lost?" may or may not be stored.
        assertThat(sync.get("k")).hasValueSatisfying(v -> assertThat(v).isIn("v", "lost?"));
        assertThat(sync.set("k", "after")).isTrue();
        assertThat(sync.get("k")).contains("after");
    }

    @Test
    void aLateAnswerArrivingAfterItsTimeoutCompletesNothingElse() {
        // One response slot: the request sent after the timeout must reuse the slot the late answer targets.
        ServerProcess server = ServerProcess.start(processes, "late", Args.of("responseSlots", 1));
        AsyncKvsClient<String, String> async = connect(server);
        assertThat(async.set("a", "A").join()).isTrue();
        assertThat(async.set("b", "B").join()).isTrue();
        long staleBefore = KvsStats.read(server.name()).staleAnswers();

        server.child().pause();
        CompletableFuture<Optional<String>> timedOut = async.get("a", SHORT);
        assertThatThrownBy(timedOut::join).hasCauseInstanceOf(KvsTimeoutException.class);
        // Queued in the ring behind the timed-out request, in the same response slot.
        CompletableFuture<Optional<String>> next = async.get("b");
        CompletableFuture<Optional<String>> waiting = async.get("a");
        server.child().resume();

        assertThat(next.join())
                .as("answer to the request after the timed-out one")
                .contains("B");
        assertThat(waiting.join()).contains("A");
        // The server did answer the timed-out request, late, and that answer was dropped, not delivered.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> KvsStats.read(server.name()).staleAnswers() > staleBefore);
        assertThat(timedOut).isCompletedExceptionally();
        for (int i = 0; i < 500; i++) {
            assertThat(async.get(i % 2 == 0 ? "a" : "b").join()).contains(i % 2 == 0 ? "A" : "B");
            assertThat(async.set("n" + i, "N" + i).join()).isTrue();
            assertThat(async.get("n" + i).join()).contains("N" + i);
        }
    }

    @Test
    void thousandsOfFuturesInFlightFromOneClientEachCompleteWithTheirOwnAnswer() {
        int slots = 1024;
        int requests = 5_000;
        ServerProcess server = ServerProcess.start(processes, "inflight", Args.of("responseSlots", slots));
        AsyncKvsClient<String, String> async = connect(server);

        // With the server frozen nothing can complete: all the futures are in flight at the same time.
        server.child().pause();
        List<CompletableFuture<Boolean>> sets = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            sets.add(async.set("key-" + i, "value-" + i));
        }
        assertThat(sets).noneMatch(CompletableFuture::isDone);
        assertThat(conn.inFlight()).as("requests holding a response slot").isEqualTo(slots);
        server.child().resume();
        assertThat(sets).allSatisfy(f -> assertThat(f.join()).isTrue());

        List<CompletableFuture<Optional<String>>> gets = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            gets.add(async.get("key-" + i));
        }
        for (int i = 0; i < requests; i++) {
            assertThat(gets.get(i).join()).as("get key-%d", i).contains("value-" + i);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> conn.inFlight() == 0);
    }

    @Test
    void aConnectionRecoversWhenItsServerResumesAfterAPauseLongerThanTheServerTimeout() {
        ServerProcess server = ServerProcess.start(processes, "resume");
        conn = KvsConnection.connect(
                server.name(),
                ConnectionOptions.builder()
                        .serverTimeout(Duration.ofMillis(500))
                        .build());
        AsyncKvsClient<String, String> async = conn.async(Codecs.string(), Codecs.string());
        assertThat(async.set("k", "v").join()).isTrue();

        server.child().pause();
        CompletableFuture<Optional<String>> duringPause = async.get("k", Duration.ofSeconds(60));
        // Silent for longer than serverTimeout looks dead: pending requests fail rather than wait 60 s.
        assertThatThrownBy(duringPause::join).hasCauseInstanceOf(KvsUnavailableException.class);
        server.child().resume();

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(
                                async.get("k").handle((value, error) -> value).join())
                        .contains("v"));
    }
}
