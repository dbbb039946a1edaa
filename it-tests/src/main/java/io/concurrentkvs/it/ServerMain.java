package io.concurrentkvs.it;

import io.concurrentkvs.core.IdleStrategy;
import io.concurrentkvs.core.KvsRegionInUseException;
import io.concurrentkvs.core.KvsServer;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/**
 * A key-value server process for the integration tests.
 *
 * <p>Arguments ({@code --name=value}): {@code name} (required), {@code workers}, {@code stripes},
 * {@code ringSize}, {@code maxKeyBytes}, {@code maxValueBytes}, {@code maxClients},
 * {@code responseSlots}, {@code stallTimeoutMs}, {@code heartbeatMs}, {@code clientTimeoutMs},
 * {@code permissions} (region file mode as {@code rw-rw----}; owner-only by default), {@code idle}
 * ({@code balanced}, {@code yielding} or {@code busy}). Prints {@code READY pid=<pid> path=<file>} once
 * serving, or {@code REFUSED pid=<live server pid> message=<text>} and exits with code 3 if a live server
 * owns the name.
 *
 * <p>Commands on standard input: {@code stop} stops serving ({@link KvsServer#stop()}, the store is
 * kept) and prints {@code SERVING_STOPPED entries=<n>}; {@code start} serves again on a new region and
 * prints {@code SERVING_AGAIN entries=<n>}; {@code threads} prints {@code THREADS workers=<live worker
 * threads>}. At the end of its input (or on SIGTERM) it closes the server (which removes the region file)
 * and prints {@code STOPPED}.
 */
public final class ServerMain {
    /** Exit code when the name is served by another live process. */
    public static final int EXIT_REFUSED = 3;

    private ServerMain() {}

    public static void main(String[] argv) throws InterruptedException {
        Args args = Args.parse(argv);
        KvsServer.Builder builder = KvsServer.builder(args.string("name"))
                .workers(args.integer("workers", 1))
                .stripes(args.integer("stripes", KvsServer.DEFAULT_STRIPES))
                .ringSize(args.integer("ringSize", KvsServer.DEFAULT_RING_SIZE))
                .maxKeyBytes(args.integer("maxKeyBytes", KvsServer.DEFAULT_MAX_KEY_BYTES))
                .maxValueBytes(args.integer("maxValueBytes", KvsServer.DEFAULT_MAX_VALUE_BYTES))
                .maxClients(args.integer("maxClients", 8))
                .responseSlotsPerClient(args.integer("responseSlots", KvsServer.DEFAULT_RESPONSE_SLOTS))
                .stallTimeout(Duration.ofMillis(args.integer("stallTimeoutMs", 2_000)))
                .heartbeatInterval(Duration.ofMillis(args.integer("heartbeatMs", 100)))
                .clientTimeout(Duration.ofMillis(args.integer("clientTimeoutMs",
                        (int) KvsServer.DEFAULT_CLIENT_TIMEOUT.toMillis())))
                .idleStrategy(IdleStrategy.parse(args.string("idle", "balanced")));
        String permissions = args.string("permissions", "");
        if (!permissions.isEmpty()) {
            builder.permissions(PosixFilePermissions.fromString(permissions));
        }
        KvsServer server = builder.build();
        // SIGTERM (Process.destroy) runs the hook; close() is idempotent, so racing the main thread is fine.
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "server-shutdown"));
        try {
            server.start();
        } catch (KvsRegionInUseException e) {
            // The refusal is the expected outcome for a test that starts a second server: report it plainly.
            Stdin.report("REFUSED pid=" + e.pid() + " message=" + e.getMessage());
            System.exit(EXIT_REFUSED);
        }
        Stdin.report("READY pid=" + ProcessHandle.current().pid() + " path=" + server.path());

        Stdin stdin = Stdin.start();
        String command;
        while (!(command = stdin.next()).equals(Stdin.EOF)) {
            switch (command) {
                case "stop" -> {
                    server.stop();
                    Stdin.report("SERVING_STOPPED entries=" + server.storageSize());
                }
                case "start" -> {
                    server.start();
                    Stdin.report("SERVING_AGAIN entries=" + server.storageSize());
                }
                case "threads" -> Stdin.report("THREADS workers=" + liveWorkers());
                default -> Stdin.report("UNKNOWN command=" + command);
            }
        }
        server.close();
        Stdin.report("STOPPED entries=" + server.storageSize());
        System.exit(0);
    }

    /** Worker threads still alive: one that died of an exception would be missing from this count. */
    private static long liveWorkers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().contains("-worker-"))
                .count();
    }
}
