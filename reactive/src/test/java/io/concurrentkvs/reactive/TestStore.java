package io.concurrentkvs.reactive;

import static org.awaitility.Awaitility.await;

import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.ConnectionOptions;
import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.core.KvsServer;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;

/**
 * An in-process server on a name no other test (or engineer's test run on this machine) uses, plus one
 * connection to it. Close it to stop the server and remove its region.
 */
final class TestStore implements AutoCloseable {
    /** Bound for conditions that normally hold within milliseconds; generous for a loaded 2-core box. */
    static final Duration PATIENCE = Duration.ofSeconds(30);

    final KvsServer server;
    final KvsConnection connection;

    private TestStore(KvsServer server, KvsConnection connection) {
        this.server = server;
        this.connection = connection;
    }

    static TestStore start(String label) {
        return start(label, builder -> builder);
    }

    /** Starts a one-worker server (with one worker the ring is served in order) as {@code config} adjusts it. */
    static TestStore start(String label, UnaryOperator<KvsServer.Builder> config) {
        return start(label, config, ConnectionOptions.defaults());
    }

    /** As {@link #start(String, UnaryOperator)}, connecting with {@code options}. */
    static TestStore start(String label, UnaryOperator<KvsServer.Builder> config, ConnectionOptions options) {
        String name = "rx-" + label + "-" + ProcessHandle.current().pid() + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt());
        KvsServer server = config.apply(KvsServer.builder(name).workers(1)).build();
        try {
            server.start();
            return new TestStore(server, KvsConnection.connect(name, options));
        } catch (RuntimeException e) {
            server.close();
            KvsServer.destroy(server.path());
            throw e;
        }
    }

    ReactiveKvsClient<String, String> strings() {
        return ReactiveKvsClient.create(connection, Codecs.string(), Codecs.string());
    }

    /** Waits until the connection holds exactly {@code count} response slots. */
    void awaitInFlight(int count) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(5)).until(() -> connection.inFlight() == count);
    }

    @Override
    public void close() {
        try {
            connection.close();
        } finally {
            server.close();
            // Removes the store file, and the region a test that stopped the server first left behind.
            KvsServer.destroy(server.path());
        }
    }
}
