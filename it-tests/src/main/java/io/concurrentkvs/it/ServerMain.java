package io.concurrentkvs.it;

import io.concurrentkvs.core.IdleStrategy;
import io.concurrentkvs.core.KvsServer;
import java.time.Duration;

/**
 * A key-value server process for the integration tests.
 *
 * <p>Arguments ({@code --name=value}): {@code name} (required), {@code workers}, {@code stripes},
 * {@code ringSize}, {@code maxKeyBytes}, {@code maxValueBytes}, {@code maxClients},
 * {@code responseSlots}, {@code stallTimeoutMs}, {@code heartbeatMs}, {@code idle}
 * ({@code balanced}, {@code yielding} or {@code busy}). Prints {@code READY pid=<pid> path=<file>} once
 * serving, then serves until standard input ends or the process gets SIGTERM, closes the server (which
 * removes the region file) and prints {@code STOPPED}.
 */
public final class ServerMain {
    private ServerMain() {}

    public static void main(String[] argv) throws InterruptedException {
        Args args = Args.parse(argv);
        KvsServer server = KvsServer.builder(args.string("name"))
                .workers(args.integer("workers", 1))
                .stripes(args.integer("stripes", KvsServer.DEFAULT_STRIPES))
                .ringSize(args.integer("ringSize", KvsServer.DEFAULT_RING_SIZE))
                .maxKeyBytes(args.integer("maxKeyBytes", KvsServer.DEFAULT_MAX_KEY_BYTES))
                .maxValueBytes(args.integer("maxValueBytes", KvsServer.DEFAULT_MAX_VALUE_BYTES))
                .maxClients(args.integer("maxClients", 8))
                .responseSlotsPerClient(args.integer("responseSlots", KvsServer.DEFAULT_RESPONSE_SLOTS))
                .stallTimeout(Duration.ofMillis(args.integer("stallTimeoutMs", 2_000)))
                .heartbeatInterval(Duration.ofMillis(args.integer("heartbeatMs", 100)))
                .idleStrategy(IdleStrategy.parse(args.string("idle", "balanced")))
                .build();
        // SIGTERM (Process.destroy) runs the hook; close() is idempotent, so racing the main thread is fine.
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "server-shutdown"));
        server.start();
        Stdin.report("READY pid=" + ProcessHandle.current().pid() + " path=" + server.path());

        Stdin stdin = Stdin.start();
        while (!stdin.next().equals(Stdin.EOF)) {
            // No commands yet: the server only waits for the end of its input.
        }
        server.close();
        Stdin.report("STOPPED entries=" + server.storageSize());
        System.exit(0);
    }
}
