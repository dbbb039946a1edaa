package io.concurrentkvs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.concurrentkvs.core.AsyncKvsClient;
import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.ConnectionOptions;
import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.core.KvsStats;
import io.concurrentkvs.core.KvsUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Orderly shutdowns under load: a server JVM told to {@code stop()} while client JVMs keep sending,
 * and a connection closed while it has requests pending.
 */
class LifecycleUnderLoadTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @RegisterExtension
    final ProcessFixture processes = new ProcessFixture();

    @Test
    void stopUnderLoadLetsInFlightRequestsFinishAndFailsLaterOnesFast() {
        ServerProcess server = ServerProcess.start(processes, "stopload", Args.of("workers", 2));
        long seed = System.nanoTime();
        List<LoadClient> clients = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            clients.add(LoadClient.start(processes, server.name(), c, 128, 32, seed + c, false));
        }
        clients.forEach(c -> c.awaitOps(2_000));

        // stop() while the clients keep sending: requests already in the ring are served, later ones fail.
        server.child().send("stop");
        server.child().awaitLine("SERVING_STOPPED", PATIENCE);
        for (LoadClient c : clients) {
            long seen = c.progress().unavailable();
            await(c.child() + " to see the server unavailable")
                    .atMost(PATIENCE)
                    .until(() -> c.progress().unavailable() > seen);
        }
        // Started again by the same KvsServer object, which keeps its store; the clients re-attach alone.
        server.child().send("start");
        server.child().awaitLine("SERVING_AGAIN", PATIENCE);
        for (LoadClient c : clients) {
            c.awaitAckedBeyond(c.progress().acked());
        }

        for (LoadClient c : clients) {
            // The final check reads every key back: nothing acknowledged before the stop was lost.
            LoadClient.Counts result = c.stop();
            assertThat(result.unavailable())
                    .as("requests refused while stopped")
                    .isPositive();
            assertThat(result.timeouts())
                    .as("requests that timed out instead of failing fast")
                    .isZero();
            assertThat(result.otherErrors())
                    .as("failures other than KvsUnavailableException")
                    .isZero();
            assertThat(result.mismatches())
                    .as("answers the model did not allow")
                    .isZero();
        }
    }

    @Test
    void closingAConnectionFailsItsPendingRequestsAndFreesItsEntry() {
        ServerProcess server = ServerProcess.start(processes, "close");
        // Patient: the server is frozen below, and that must not count as dead.
        ConnectionOptions patient = ConnectionOptions.builder()
                .serverTimeout(PATIENCE)
                .defaultTimeout(PATIENCE)
                .build();
        try (KvsConnection other = KvsConnection.connect(server.name(), patient)) {
            KvsConnection closing = KvsConnection.connect(server.name(), patient);
            AsyncKvsClient<String, String> async = closing.async(Codecs.string(), Codecs.string());
            assertThat(async.set("k", "v").join()).isTrue();
            await().atMost(PATIENCE).until(() -> KvsStats.read(server.name()).clientsConnected() == 2);
            long staleBefore = KvsStats.read(server.name()).staleAnswers();

            server.child().pause();
            List<CompletableFuture<?>> pending = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                pending.add(async.set("p" + i, "v"));
                pending.add(async.get("k"));
            }
            assertThat(closing.inFlight()).isEqualTo(pending.size());
            closing.close();

            // Failed by close itself, with the server still frozen: no answer and no timeout involved.
            assertThat(pending).allMatch(CompletableFuture::isDone);
            for (CompletableFuture<?> f : pending) {
                assertThatThrownBy(f::join)
                        .isInstanceOf(CompletionException.class)
                        .hasCauseInstanceOf(KvsUnavailableException.class);
            }
            assertThat(closing.inFlight()).isZero();
            assertThatThrownBy(() -> async.get("k").join()).hasCauseInstanceOf(KvsUnavailableException.class);
            server.child().resume();

            // Its entry is free again, and the server's answers to its requests were dropped, not delivered.
            await("the closed connection's entry to be freed")
                    .atMost(PATIENCE)
                    .until(() -> KvsStats.read(server.name()).clientsConnected() == 1);
            await("answers for the closed connection to be dropped")
                    .atMost(PATIENCE)
                    .until(() -> KvsStats.read(server.name()).staleAnswers() >= staleBefore + pending.size());
            AsyncKvsClient<String, String> survivor = other.async(Codecs.string(), Codecs.string());
            assertThat(survivor.get("k").join()).contains("v");
            assertThat(survivor.set("after", "close").join()).isTrue();
        }
    }
}
