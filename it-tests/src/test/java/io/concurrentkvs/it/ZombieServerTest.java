package io.concurrentkvs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.concurrentkvs.blocking.KvsClient;
import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.ConnectionOptions;
import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.core.KvsStats;
import io.concurrentkvs.core.KvsUnavailableException;
import io.concurrentkvs.core.internal.region.RegionPaths;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14 item 4 across real processes: a server JVM whose region file is truncated under it (its
 * threads then fault on the missing pages, while the header page, and with it the heartbeat, is still
 * there) must stop rather than linger as a zombie that clients wait on and that keeps a replacement out.
 * Its clients fail with {@link KvsUnavailableException} well before their timeout, and a replacement
 * server takes the name and serves every acknowledged write.
 */
class ZombieServerTest {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration RECOVERY = Duration.ofSeconds(60);

    @RegisterExtension
    final ProcessFixture processes = new ProcessFixture();

    @Test
    void aServerWhoseRegionIsTruncatedStopsAndAReplacementServesItsStore() throws Exception {
        ServerProcess server = ServerProcess.start(processes, "zombie");
        try (KvsConnection conn = KvsConnection.connect(
                server.name(),
                ConnectionOptions.builder().defaultTimeout(REQUEST_TIMEOUT).build())) {
            KvsClient<String, String> sync = KvsClient.of(conn, Codecs.string(), Codecs.string());
            for (int i = 0; i < 100; i++) {
                assertThat(sync.set("k" + i, "v" + i)).isTrue();
            }
            conn.close();

            Path region = RegionPaths.defaultPath(server.name());
            try (FileChannel file = FileChannel.open(region, StandardOpenOption.WRITE)) {
                file.truncate(4096); // the header page stays: a heartbeat written there still lands
            }

            // A replacement is refused while the old server looks alive; once that stops, it takes over.
            ServerProcess replacement = await("a replacement server to take the name")
                    .atMost(RECOVERY)
                    .until(() -> tryReplace(server.name()), r -> r != null);
            assertThat(KvsStats.read(server.name()).serverPid())
                    .isEqualTo(replacement.child().pid());
            assertThat(server.child().process().isAlive())
                    .as("the old server's JVM lives on, stopped")
                    .isTrue();
        }
        try (KvsConnection conn = KvsConnection.connect(
                server.name(),
                ConnectionOptions.builder().defaultTimeout(REQUEST_TIMEOUT).build())) {
            KvsClient<String, String> sync = KvsClient.of(conn, Codecs.string(), Codecs.string());
            for (int i = 0; i < 100; i++) {
                assertThat(sync.get("k" + i)).as("acknowledged write k%d", i).contains("v" + i);
            }
        }
    }

    @Test
    void clientsOfAServerWhoseRegionIsTruncatedFailFast() throws Exception {
        ServerProcess server = ServerProcess.start(processes, "zombiecl");
        try (KvsConnection conn = KvsConnection.connect(
                server.name(),
                ConnectionOptions.builder().defaultTimeout(REQUEST_TIMEOUT).build())) {
            KvsClient<String, String> sync = KvsClient.of(conn, Codecs.string(), Codecs.string());
            assertThat(sync.set("k", "v")).isTrue();
            try (FileChannel file =
                    FileChannel.open(RegionPaths.defaultPath(server.name()), StandardOpenOption.WRITE)) {
                file.truncate(4096);
            }
            // The client's own mapping lost the same pages: it must fail with a typed error, never hang or
            // die of the fault, and never wait out its 30 s timeout (the await bound is a third of it).
            await("calls to fail fast")
                    .atMost(Duration.ofSeconds(10))
                    .ignoreExceptions()
                    .untilAsserted(() -> assertThatThrownBy(() -> sync.get("k", REQUEST_TIMEOUT.toMillis()))
                            .isInstanceOf(KvsUnavailableException.class));
        }
    }

    /** Starts a replacement server, or returns null if it was refused (the old one still holds the name). */
    private ServerProcess tryReplace(String name) {
        ProcessFixture.Child child =
                processes.start("replacement-" + ++attempts, ServerMain.class, Args.of("name", name));
        try {
            child.awaitLine("READY", ServerProcess.STARTUP);
            return new ServerProcess(name, child);
        } catch (IllegalStateException exitedWithoutServing) {
            assertThat(child.awaitExit(ServerProcess.STARTUP))
                    .as("a refused replacement")
                    .isEqualTo(ServerMain.EXIT_REFUSED);
            return null;
        }
    }

    private int attempts;
}
