package io.concurrentkvs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.concurrentkvs.blocking.KvsClient;
import io.concurrentkvs.core.AsyncKvsClient;
import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.ConnectionOptions;
import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.core.KvsRegionInUseException;
import io.concurrentkvs.core.KvsServer;
import io.concurrentkvs.core.KvsStats;
import io.concurrentkvs.core.KvsUnavailableException;
import io.concurrentkvs.core.internal.region.RegionPaths;
import io.concurrentkvs.reactive.ReactiveKvsClient;
import java.nio.file.Files;
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
 * The server process dies or a second one tries to take its name: pending requests fail fast with
 * {@link KvsUnavailableException}, the same client objects work again once a new server starts (it adopts
 * the store the dead one left), a live server's name is refused naming its pid, and a dead server's region
 * is taken over.
 *
 * <p>Requests here have a 30 s timeout; the contract is that a dead server is noticed within about the
 * server timeout (1 s), so each failure must arrive well before the timeout. The bounds below (10 s) are
 * generous because the machine is shared, yet a third of the request timeout: a request that failed only
 * by timing out could not pass.
 */
class ServerFailureTest {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration WELL_BEFORE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration RECOVERY = Duration.ofSeconds(60);

    @RegisterExtension
    final ProcessFixture processes = new ProcessFixture();

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeClients() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private KvsConnection connect(String name) {
        KvsConnection conn = KvsConnection.connect(
                name,
                ConnectionOptions.builder().defaultTimeout(REQUEST_TIMEOUT).build());
        toClose.add(conn);
        return conn;
    }

    @Test
    void pendingRequestsFailFastWhenTheServerIsKilled() {
        ServerProcess server = ServerProcess.start(processes, "srvkill");
        KvsConnection conn = connect(server.name());
        AsyncKvsClient<String, String> async = conn.async(Codecs.string(), Codecs.string());
        KvsClient<String, String> sync = KvsClient.of(conn, Codecs.string(), Codecs.string());
        ReactiveKvsClient<String, String> reactive = ReactiveKvsClient.create(conn, Codecs.string(), Codecs.string());
        assertThat(sync.set("k", "before")).isTrue();
        assertThat(reactive.get("k").block(REQUEST_TIMEOUT)).contains("before");

        // Frozen first, so that these requests are certainly pending (unanswered) when the process dies.
        server.child().pause();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            pending.add(async.set("p" + i, "v" + i));
        }
        pending.add(sync.getAsync("k", REQUEST_TIMEOUT.toMillis()));
        pending.add(CompletableFuture.supplyAsync(() -> sync.get("k", REQUEST_TIMEOUT.toMillis())));
        pending.add(reactive.set("r", "v").toFuture());
        server.child().kill9();

        await("pending requests to fail")
                .atMost(WELL_BEFORE_TIMEOUT)
                .until(() -> pending.stream().allMatch(CompletableFuture::isDone));
        for (CompletableFuture<?> f : pending) {
            assertThatThrownBy(f::join)
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(KvsUnavailableException.class);
        }

        // No server: new calls of every view fail fast, not after their 30 s timeout.
        CompletableFuture<Optional<String>> blockingCall = CompletableFuture.supplyAsync(() -> sync.get("k"));
        CompletableFuture<Boolean> asyncCall = async.set("k", "down");
        CompletableFuture<Optional<String>> reactiveCall = reactive.get("k").toFuture();
        await("calls without a server to fail")
                .atMost(WELL_BEFORE_TIMEOUT)
                .until(() -> blockingCall.isDone() && asyncCall.isDone() && reactiveCall.isDone());
        for (CompletableFuture<?> f : List.of(blockingCall, asyncCall, reactiveCall)) {
            assertThatThrownBy(f::join).hasCauseInstanceOf(KvsUnavailableException.class);
        }
        assertThat(conn.isConnected()).isFalse();

        // A new server on the same name adopts the store the killed one left: the same objects work again,
        // the acknowledged write is there, and the requests that were pending were never applied.
        ServerProcess replacement = ServerProcess.startOn(processes, server.name(), "replacement");
        await("the same clients to work again")
                .atMost(RECOVERY)
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(sync.get("k")).contains("before"));
        assertThat(sync.set("k", "after")).isTrue();
        assertThat(reactive.get("k").block(REQUEST_TIMEOUT)).contains("after");
        assertThat(async.post("p0", "new").join())
                .as("a write pending at the kill was not applied")
                .isTrue();
        assertThat(reactive.set("r", "again").block(REQUEST_TIMEOUT)).isTrue();
        assertThat(sync.get("r")).contains("again");
        assertThat(conn.isConnected()).isTrue();
        assertThat(KvsStats.read(server.name()).serverPid())
                .isEqualTo(replacement.child().pid());
    }

    @Test
    void aSecondServerOnALiveNameIsRefusedNamingThePid() {
        ServerProcess first = ServerProcess.start(processes, "second");
        long firstPid = first.child().pid();

        ProcessFixture.Child second = processes.start("second-server", ServerMain.class, Args.of("name", first.name()));
        String refusal = second.awaitLine("REFUSED", ServerProcess.STARTUP);
        assertThat(second.awaitExit(ServerProcess.STARTUP)).isEqualTo(ServerMain.EXIT_REFUSED);
        assertThat(refusal).startsWith("REFUSED pid=" + firstPid + " ").contains(Long.toString(firstPid));

        // The same from this JVM, through the API: the exception carries the pid.
        try (KvsServer intruder = KvsServer.builder(first.name()).build()) {
            assertThatThrownBy(intruder::start).isInstanceOfSatisfying(KvsRegionInUseException.class, e -> {
                assertThat(e.pid()).isEqualTo(firstPid);
                assertThat(e.getMessage()).contains(Long.toString(firstPid));
            });
        }
        // The refusals did not disturb the live server or its region.
        KvsConnection conn = connect(first.name());
        KvsClient<String, String> sync = KvsClient.of(conn, Codecs.string(), Codecs.string());
        assertThat(sync.set("still", "served")).isTrue();
        assertThat(sync.get("still")).contains("served");
        assertThat(KvsStats.read(first.name()).serverPid()).isEqualTo(firstPid);
    }

    @Test
    void aRegionLeftByAKilledServerIsTakenOver() throws Exception {
        ServerProcess dead = ServerProcess.start(processes, "takeover");
        KvsConnection conn = connect(dead.name());
        KvsClient<String, String> sync = KvsClient.of(conn, Codecs.string(), Codecs.string());
        assertThat(sync.set("k", "old")).isTrue();
        long oldEpoch = KvsStats.read(dead.name()).epoch();
        dead.child().kill9();
        assertThat(Files.exists(RegionPaths.defaultPath(dead.name())))
                .as("region left behind")
                .isTrue();
        assertThat(KvsStats.read(dead.name()).serverAlive()).isFalse();

        ServerProcess successor = ServerProcess.startOn(processes, dead.name(), "successor");
        KvsStats stats = KvsStats.read(dead.name());
        assertThat(stats.serverPid()).isEqualTo(successor.child().pid());
        assertThat(stats.serverAlive()).isTrue();
        assertThat(stats.epoch()).isNotEqualTo(oldEpoch);
        assertThat(successor.child().findLine("REFUSED")).isEmpty();

        // Clients of the dead server come over by themselves; new clients attach normally.
        await().atMost(RECOVERY)
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(sync.set("k", "new")).isTrue());
        KvsClient<String, String> fresh = KvsClient.of(connect(dead.name()), Codecs.string(), Codecs.string());
        assertThat(fresh.get("k")).contains("new");
        await().atMost(RECOVERY).until(() -> KvsStats.read(dead.name()).clientsConnected() == 2);
    }
}
