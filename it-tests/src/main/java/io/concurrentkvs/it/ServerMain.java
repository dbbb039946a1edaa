package io.concurrentkvs.it;

import io.concurrentkvs.core.FsyncPolicy;
import io.concurrentkvs.core.IdleStrategy;
import io.concurrentkvs.core.KvsException;
import io.concurrentkvs.core.KvsRegionInUseException;
import io.concurrentkvs.core.KvsServer;
import io.concurrentkvs.core.internal.store.WriteHook;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A key-value server process for the integration tests.
 *
 * <p>Arguments ({@code --name=value}): {@code name} (required), {@code workers}, {@code stripes},
 * {@code ringSize}, {@code maxKeyBytes}, {@code maxValueBytes}, {@code maxClients},
 * {@code responseSlots}, {@code stallTimeoutMs}, {@code heartbeatMs}, {@code clientTimeoutMs},
 * {@code permissions} (region file mode as {@code rw-rw----}; owner-only by default), {@code idle}
 * ({@code balanced}, {@code yielding} or {@code busy}), {@code maxEntries}, {@code maxDataBytes},
 * {@code fresh} ({@code true} to discard the data a previous server left), and {@code haltAt}
 * ({@code POINT:N}, a {@link WriteHook.Point}: the N-th time any worker reaches that step of a write, the
 * process prints {@code HALTING point=<POINT> n=<N>} and halts at once with exit code
 * {@value #EXIT_HALTED}, as a crash inside the write would). Prints {@code READY pid=<pid> path=<file>
 * entries=<n>} once serving ({@code n} counts the entries adopted from the store file, exactly so while no
 * client has written yet), or {@code REFUSED pid=<live server pid> message=<text>} and exits with code
 * {@value #EXIT_REFUSED} if a live server owns the name.
 *
 * <p>Persistence (SPEC 7.2): {@code persistence} (a directory: the server logs its writes there and, when
 * the shared memory is gone, recovers from it) and {@code fsync} ({@code ALWAYS}, {@code EVERY_SECOND} or
 * {@code NEVER}; the library's default when absent). A server that cannot
 * be built or started for any other reason of the library's (a {@link KvsException}, e.g. a directory
 * that is missing or locked by another server) prints {@code FAILED type=<exception class>
 * message=<text>} and exits with code {@value #EXIT_FAILED}, so a test can check the refusal's words.
 *
 * <p>Commands on standard input: {@code stop} stops serving ({@link KvsServer#stop()}, the store is
 * kept) and prints {@code SERVING_STOPPED entries=<n>}; {@code start} serves again on a new region and
 * prints {@code SERVING_AGAIN entries=<n>}; {@code threads} prints {@code THREADS workers=<live worker
 * threads>}. At the end of its input (or on SIGTERM) it closes the server (which removes the region file)
 * and prints {@code STOPPED}.
 *
 * <p>The store file ({@code <region>.store}) outlives this process however it ends, so that a successor
 * can adopt it: whoever starts this program removes it afterwards with {@link KvsServer#destroy(String)}
 * ({@code ServerProcess} and {@code ProcessFixture} do, after the process is gone).
 */
public final class ServerMain {
    /** Exit code when the name is served by another live process. */
    public static final int EXIT_REFUSED = 3;
    /** Exit code of a process halted by {@code haltAt}. */
    public static final int EXIT_HALTED = 70;
    /** Exit code when the server cannot be built or started (a {@link KvsException} other than a refusal). */
    public static final int EXIT_FAILED = 4;

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
                .clientTimeout(Duration.ofMillis(
                        args.integer("clientTimeoutMs", (int) KvsServer.DEFAULT_CLIENT_TIMEOUT.toMillis())))
                .idleStrategy(IdleStrategy.parse(args.string("idle", "balanced")))
                .maxEntries(args.longValue("maxEntries", KvsServer.DEFAULT_MAX_ENTRIES))
                .maxDataBytes(args.longValue("maxDataBytes", KvsServer.DEFAULT_MAX_DATA_BYTES))
                .fresh(Boolean.parseBoolean(args.string("fresh", "false")));
        String permissions = args.string("permissions", "");
        if (!permissions.isEmpty()) {
            builder.permissions(PosixFilePermissions.fromString(permissions));
        }
        String persistence = args.string("persistence", "");
        String fsync = args.string("fsync", "");
        KvsServer server;
        try {
            // Inside the try: the builder may check the directory at once rather than at build or start.
            if (!persistence.isEmpty()) {
                builder.persistence(Path.of(persistence));
            }
            if (!fsync.isEmpty()) {
                builder.fsync(FsyncPolicy.valueOf(fsync));
            }
            server = builder.build();
        } catch (KvsException e) {
            throw failed(e);
        }
        String haltAt = args.string("haltAt", "");
        if (!haltAt.isEmpty()) {
            installHalt(haltAt);
        }
        // SIGTERM (Process.destroy) runs the hook; close() is idempotent, so racing the main thread is fine.
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "server-shutdown"));
        try {
            server.start();
        } catch (KvsRegionInUseException e) {
            // The refusal is the expected outcome for a test that starts a second server: report it plainly.
            Stdin.report("REFUSED pid=" + e.pid() + " message=" + e.getMessage());
            System.exit(EXIT_REFUSED);
        } catch (KvsException e) {
            throw failed(e);
        }
        Stdin.report("READY pid=" + ProcessHandle.current().pid() + " path=" + server.path() + " entries="
                + server.storageSize());

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

    /**
     * Reports a server that cannot be built or started on one line (the test reads it) and exits; returns
     * nothing, but is written {@code throw failed(e)} so the compiler knows the caller ends here.
     */
    private static Error failed(KvsException e) {
        e.printStackTrace(); // the whole cause chain, in the child's log
        Stdin.report("FAILED type=" + e.getClass().getName() + " message="
                + String.valueOf(e.getMessage()).replace('\n', ' '));
        System.exit(EXIT_FAILED);
        return new AssertionError("unreachable: System.exit returned");
    }

    /**
     * Installs a {@link WriteHook} that halts the process the N-th time a worker reaches {@code POINT}.
     * {@code halt}, not {@code exit}: no shutdown hook runs, nothing is flushed or unlocked, exactly as if
     * the process had been killed there, inside the segment's lock with the write half done.
     */
    private static void installHalt(String spec) {
        int colon = spec.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("haltAt must be POINT:N, got '" + spec + "'");
        }
        WriteHook.Point point = WriteHook.Point.valueOf(spec.substring(0, colon));
        long n = Long.parseLong(spec.substring(colon + 1));
        if (n < 1) {
            throw new IllegalArgumentException("haltAt count must be >= 1: " + spec);
        }
        AtomicLong reached = new AtomicLong();
        WriteHook.install(p -> {
            if (p == point && reached.incrementAndGet() == n) {
                Stdin.report("HALTING point=" + point + " n=" + n);
                Runtime.getRuntime().halt(EXIT_HALTED);
            }
        });
    }

    /** Worker threads still alive: one that died of an exception would be missing from this count. */
    private static long liveWorkers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().contains("-worker-"))
                .count();
    }
}
