package io.concurrentkvs.micrometer;

import static org.awaitility.Awaitility.await;

import io.concurrentkvs.core.AsyncKvsClient;
import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.core.KvsServer;
import io.concurrentkvs.core.internal.region.Region;
import io.concurrentkvs.core.internal.ring.RequestRing;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * An in-process one-worker server on a name nothing else uses, and one connection to it. Close it to
 * close both and remove the store's files from /dev/shm.
 */
final class TestServer implements AutoCloseable {
    /** Bound for conditions that normally hold within milliseconds; generous for a loaded 2-core box. */
    static final Duration PATIENCE = Duration.ofSeconds(30);

    final String name;
    final KvsServer server;
    final KvsConnection connection;
    final AsyncKvsClient<String, String> client;

    private TestServer(String name, KvsServer server, KvsConnection connection) {
        this.name = name;
        this.server = server;
        this.connection = connection;
        this.client = connection.async(Codecs.string(), Codecs.string());
    }

    static TestServer start(String label, UnaryOperator<KvsServer.Builder> config) {
        String name = "kvs-mm-" + label + "-" + ProcessHandle.current().pid() + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt());
        KvsServer server = config.apply(KvsServer.builder(name).workers(1)).build();
        try {
            server.start();
            return new TestServer(name, server, KvsConnection.connect(name));
        } catch (RuntimeException e) {
            server.close();
            KvsServer.destroy(server.path());
            throw e;
        }
    }

    static void awaitTrue(BooleanSupplier condition) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(5)).until(condition::getAsBoolean);
    }

    /**
     * Makes the server unable to answer until the returned handle is closed: claims the next ring slot
     * and does not publish it, so the worker waits behind it (the server's stall timeout must be far
     * beyond the test). Closing publishes it; its claimant is no client, so the worker drops it.
     */
    Frozen freeze() {
        Region region = Region.attach(server.path());
        RequestRing ring = region.ring();
        long index = ring.claim(-1);
        if (index == RequestRing.FULL) {
            region.unmap();
            throw new IllegalStateException("ring of " + name + " is full");
        }
        return () -> {
            ring.publish(index);
            region.unmap();
        };
    }

    /** A frozen server; {@link #close()} lets it go on. */
    interface Frozen extends AutoCloseable {
        @Override
        void close();
    }

    @Override
    public void close() {
        try {
            connection.close();
        } finally {
            server.close();
            KvsServer.destroy(server.path());
        }
    }
}
