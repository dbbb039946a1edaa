package io.concurrentkvs.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.concurrentkvs.core.internal.store.WriteHook;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 item 4: a server whose worker dies of an {@code Error}, or whose region file is replaced under
 * it, must not go on as a zombie (heartbeat alive, nobody serving). It stops: its clients fail fast with
 * {@link KvsUnavailableException} instead of running into their timeouts, and the name can be served
 * again, with the store adopted.
 */
class ServerThreadFailureTest {
    /** Far longer than any failure path takes, so a zombie shows up as a timeout, not as a flaky pass. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final String name = "kvs-failure-" + ProcessHandle.current().pid() + "-"
            + ThreadLocalRandom.current().nextInt(1 << 30);

    @AfterEach
    void cleanUp() {
        WriteHook.install(null);
        KvsServer.destroy(name);
    }

    private KvsServer.Builder small() {
        return KvsServer.builder(name).workers(1).maxEntries(1000).maxDataBytes(1 << 20);
    }

    @Test
    void aWorkerKilledByAnErrorStopsTheServerAndAnotherRunServesTheStore() {
        try (KvsServer server = small().build()) {
            server.start();
            try (KvsConnection conn = KvsConnection.connect(name)) {
                AsyncKvsClient<String, String> c = conn.async(Codecs.string(), Codecs.string());
                assertThat(c.set("kept", "v1").join()).isTrue();

                AtomicBoolean thrown = new AtomicBoolean();
                WriteHook.install(point -> {
                    if (point == WriteHook.Point.RECORD_WRITTEN && thrown.compareAndSet(false, true)) {
                        throw new InternalError("injected: as a truncated mapping raises it");
                    }
                });
                Throwable failed =
                        catchThrowable(() -> c.set("doomed", "v2", CALL_TIMEOUT).join());
                WriteHook.install(null);
                assertThat(failed)
                        .isInstanceOf(CompletionException.class)
                        .hasCauseInstanceOf(KvsUnavailableException.class);
                await().atMost(Duration.ofSeconds(30)).until(() -> !server.isRunning());

                Throwable refused =
                        catchThrowable(() -> c.get("kept", CALL_TIMEOUT).join());
                assertThat(refused)
                        .as("a call after the failure fails fast")
                        .hasCauseInstanceOf(KvsUnavailableException.class);

                assertThat(server.start())
                        .as("the same server can start a new run")
                        .isTrue();
                await().atMost(Duration.ofSeconds(30)).until(conn::isConnected);
                assertThat(c.get("kept", CALL_TIMEOUT).join()).contains("v1");
                assertThat(c.set("after", "v3", CALL_TIMEOUT).join()).isTrue();
                assertThat(c.get("after", CALL_TIMEOUT).join()).contains("v3");
            }
        }
    }

    @Test
    void aRegionFileReplacedUnderTheServerStopsIt() throws Exception {
        try (KvsServer server = small().build()) {
            server.start();
            Path region = server.path();
            Path impostor = region.resolveSibling(region.getFileName() + ".impostor");
            try {
                // Same bytes, another inode: what a second server or a careless script leaves behind.
                Files.copy(region, impostor);
                Files.move(impostor, region, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                await().atMost(Duration.ofSeconds(30)).until(() -> !server.isRunning());
            } finally {
                Files.deleteIfExists(impostor);
            }
        }
        // close() leaves the replaced file alone only if it is not the one it created: remove it here.
        Files.deleteIfExists(KvsServer.builder(name).build().path());
    }
}
