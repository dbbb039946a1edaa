package io.concurrentkvs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.concurrentkvs.core.AsyncKvsClient;
import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.ConnectionOptions;
import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.core.KvsException;
import io.concurrentkvs.core.KvsStats;
import io.concurrentkvs.core.internal.region.RegionPaths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A hostile process with write access scribbles over a live server's region and publishes crafted
 * requests ({@link ScribblerMain}), while a fresh client keeps sending well-formed requests. The server
 * process must survive with all its workers, each request must be answered or fail with a
 * {@link KvsException} within its timeout, and once the scribbling stops the server serves normally.
 *
 * <p>Two phases: first everything (ring, client table, response area) as fast as the scribbler can
 * write, which denies service (the client's own table entry is overwritten many times a second); then
 * the ring and the response area at a moderate rate, under which well-formed requests must still get
 * answers.
 */
class HostileProcessTest {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);
    /** Beyond the request timeout: a request that neither completes nor fails by then is a hang. */
    private static final long HANG_LIMIT_SECONDS = 30;

    private static final int REQUESTS_PER_PHASE = 300;
    private static final int WORKERS = 2;
    private static final Pattern DONE = Pattern.compile("DONE scribbles=(\\d+) crafted=(\\d+)");

    @RegisterExtension
    final ProcessFixture processes = new ProcessFixture();

    @Test
    void hostileProcessCannotCrashTheServer() {
        ServerProcess server = ServerProcess.start(
                processes,
                "hostile",
                Args.of("workers", WORKERS),
                Args.of("ringSize", 64),
                Args.of("maxClients", 8),
                Args.of("responseSlots", 16),
                Args.of("maxKeyBytes", 32),
                Args.of("maxValueBytes", 64),
                Args.of("stallTimeoutMs", 100));
        long seed = System.nanoTime();
        System.out.println("scribbler seed " + seed);
        ConnectionOptions options =
                ConnectionOptions.builder().defaultTimeout(REQUEST_TIMEOUT).build();
        try (KvsConnection conn = KvsConnection.connect(server.name(), options)) {
            AsyncKvsClient<String, String> client = conn.async(Codecs.string(), Codecs.string());

            Tally flatOut = underAttack(server, client, "flat-out", seed, "ring,clients,responses", 0);
            // The flat-out phase usually leaves this connection dropped; it re-registers by itself once the
            // scribbling stops, and only then does the next phase say anything about serving.
            awaitServed(client, "between");
            Tally moderate = underAttack(server, client, "moderate", seed + 1, "ring,responses", 2_000);
            assertThat(moderate.answered)
                    .as("requests answered under moderate scribbling")
                    .isPositive();
            assertThat(flatOut.answered + flatOut.failed + moderate.answered + moderate.failed)
                    .isEqualTo(2L * REQUESTS_PER_PHASE);

            // Alive, every worker thread still running, and serving correctly once the scribbling stopped:
            // the same connection (it re-registers by itself if its entry was overwritten) and a fresh one.
            assertThat(server.child().isAlive()).isTrue();
            server.child().send("threads");
            assertThat(server.child().awaitLine("THREADS", ServerProcess.STARTUP))
                    .isEqualTo("THREADS workers=" + WORKERS);
            awaitServed(client, "after");
        }
        await("a fresh client to be served")
                .atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .untilAsserted(() -> {
                    try (KvsConnection fresh = KvsConnection.connect(server.name())) {
                        AsyncKvsClient<String, String> client = fresh.async(Codecs.string(), Codecs.string());
                        assertThat(client.set("fresh", "ok").join()).isTrue();
                        assertThat(client.get("fresh").join()).contains("ok");
                    }
                });
        await().atMost(Duration.ofSeconds(30))
                .until(() -> KvsStats.read(server.name()).malformedRequests() > 0);
        // Nothing reached the workers' last-resort handler: every hostile input was stopped by validation.
        List<String> workerFailures = server.child().errorLines().stream()
                .filter(l -> l.contains("request at ring index")
                        || l.contains("ring poll failed")
                        || l.contains("Exception in thread"))
                .toList();
        assertThat(workerFailures)
                .as("exceptions caught in or escaping from workers")
                .isEmpty();
        assertThat(server.child().isAlive()).isTrue();
    }

    private static void awaitServed(AsyncKvsClient<String, String> client, String key) {
        await("the scribbled-on connection to be served again")
                .atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .untilAsserted(() -> {
                    assertThat(client.set(key, "ok").join()).isTrue();
                    assertThat(client.get(key).join()).contains("ok");
                });
    }

    /** Runs one scribbler while the client sends {@link #REQUESTS_PER_PHASE} requests one at a time. */
    private Tally underAttack(
            ServerProcess server,
            AsyncKvsClient<String, String> client,
            String label,
            long seed,
            String areas,
            int perSecond) {
        ProcessFixture.Child scribbler = processes.start(
                "scribbler-" + label,
                ScribblerMain.class,
                Args.of("path", RegionPaths.defaultPath(server.name())),
                Args.of("seed", seed),
                Args.of("areas", areas),
                Args.of("perSecond", perSecond));
        scribbler.awaitLine("READY", ServerProcess.STARTUP);
        Tally tally = new Tally();
        scribbler.send("go");
        try {
            for (int i = 0; i < REQUESTS_PER_PHASE; i++) {
                CompletableFuture<?> request = i % 2 == 0 ? client.set("k" + i, "v" + i) : client.get("k" + (i - 1));
                try {
                    Object answer = request.get(HANG_LIMIT_SECONDS, TimeUnit.SECONDS);
                    // A hostile writer can change answers it could have written itself, never their type.
                    assertThat(answer).isInstanceOfAny(Boolean.class, Optional.class);
                    tally.answered++;
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).as("failure of request %d", i).isInstanceOf(KvsException.class);
                    tally.failed++;
                    String kind = e.getCause().getClass().getSimpleName() + ": "
                            + e.getCause().getMessage().replaceAll("[0-9a-f]*\\d[0-9a-f]*", "#");
                    tally.failures.merge(kind, 1, Integer::sum);
                } catch (TimeoutException e) {
                    throw new AssertionError(
                            "request " + i + " neither completed nor failed within " + HANG_LIMIT_SECONDS
                                    + " s (its timeout is " + REQUEST_TIMEOUT + ")",
                            e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
                assertThat(server.child().isAlive())
                        .as("server alive after request %d", i)
                        .isTrue();
            }
        } finally {
            scribbler.send("stop");
        }
        Matcher done = DONE.matcher(scribbler.awaitLine("DONE", ServerProcess.STARTUP));
        assertThat(done.matches()).isTrue();
        System.out.printf(
                "hostile test, %s scribbling of %s: %s; client: %d answered, %d failed with KvsException%n",
                label, areas, done.group(), tally.answered, tally.failed);
        tally.failures.forEach((what, count) -> System.out.println("  " + count + " x " + what));
        assertThat(Long.parseLong(done.group(1))).as("scribbles").isPositive();
        assertThat(Long.parseLong(done.group(2))).as("crafted requests").isPositive();
        return tally;
    }

    /** Outcomes of one phase's requests. */
    private static final class Tally {
        long answered;
        long failed;
        final Map<String, Integer> failures = new TreeMap<>();
    }
}
