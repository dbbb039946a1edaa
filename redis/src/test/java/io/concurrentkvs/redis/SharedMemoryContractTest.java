package io.concurrentkvs.redis;

import io.concurrentkvs.core.KvsServer;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract against the shared-memory backend: an in-process server on a name of its own. */
class SharedMemoryContractTest extends KvsContract {
    private static KvsServer server;

    @BeforeAll
    static void startServer() {
        String name = "contract-" + ProcessHandle.current().pid() + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt());
        server = KvsServer.builder(name).workers(1).build();
        server.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
        KvsServer.destroy(server.path());
    }

    @Override
    String target() {
        return server.name();
    }
}
