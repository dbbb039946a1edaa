package io.concurrentkvs.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits of a server's client table and of a connection's waiting requests fail with the typed
 * {@link KvsCapacityException}, naming the limit to raise; the test plays a server that never answers.
 */
class ClientLimitsTest {
    /** The client-table capacity of {@link ManualServer}'s region. */
    private static final int CLIENT_ENTRIES = 4;

    @TempDir
    Path dir;

    private ManualServer server;
    private final List<KvsConnection> connections = new ArrayList<>();

    @BeforeEach
    void start() {
        server = new ManualServer(dir.resolve("region"), 4);
    }

    @AfterEach
    void stop() {
        connections.forEach(KvsConnection::close);
        server.close();
    }

    private KvsConnection connect(ConnectionOptions.Builder options) {
        KvsConnection c = KvsConnection.connect(
                "manual", options.path(server.region.path()).build());
        connections.add(c);
        return c;
    }

    @Test
    void aConnectionBeyondTheServersClientEntriesFailsWithKvsCapacityException() {
        for (int i = 0; i < CLIENT_ENTRIES; i++) {
            connect(ConnectionOptions.builder());
        }
        assertThatThrownBy(() -> connect(ConnectionOptions.builder()))
                .isInstanceOf(KvsCapacityException.class)
                .hasMessageContaining("maxClients");
    }

    @Test
    void requestsBeyondMaxWaitingRequestsFailWithKvsCapacityException() {
        AsyncKvsClient<String, String> client =
                connect(ConnectionOptions.builder().maxWaitingRequests(2)).async(Codecs.string(), Codecs.string());
        // Nothing is answered: at most the 4 response slots' requests are sent and 2 more wait, so of 20
        // at least 14 are refused at the call.
        List<CompletableFuture<Boolean>> futures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            futures.add(client.del("k" + i));
        }
        List<Throwable> refused = new ArrayList<>();
        for (CompletableFuture<Boolean> f : futures) {
            if (f.isCompletedExceptionally()) {
                try {
                    f.join();
                } catch (CompletionException e) {
                    refused.add(e.getCause());
                }
            }
        }
        assertThat(refused)
                .hasSizeGreaterThanOrEqualTo(14)
                .allSatisfy(e -> assertThat(e)
                        .isInstanceOf(KvsCapacityException.class)
                        .hasMessageContaining("maxWaitingRequests"));
    }
}
