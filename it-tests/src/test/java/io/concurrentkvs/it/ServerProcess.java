package io.concurrentkvs.it;

import io.concurrentkvs.core.internal.region.RegionPaths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ServerMain} child JVM serving a unique store name, started and awaited through a
 * {@link ProcessFixture}.
 *
 * @param name the store name clients connect to
 * @param child the server process
 */
record ServerProcess(String name, ProcessFixture.Child child) {
    /** How long a JVM may take to start on a loaded 2-core machine. */
    static final Duration STARTUP = Duration.ofSeconds(60);

    /** Starts a server with {@link ServerMain}'s arguments ({@code --ringSize=64}, ...) and waits until it serves. */
    static ServerProcess start(ProcessFixture processes, String prefix, String... serverArgs) {
        return startOn(processes, ProcessFixture.uniqueName(prefix), "server", serverArgs);
    }

    /**
     * Starts a server on an existing store {@code name} (e.g. to replace a killed one) as child
     * {@code label}, and waits until it serves.
     */
    static ServerProcess startOn(ProcessFixture processes, String name, String label, String... serverArgs) {
        // Removed by the server when it stops cleanly; this covers a server a test killed or that crashed.
        processes.deleteAfterTest(RegionPaths.defaultPath(name));
        List<String> args = new ArrayList<>(List.of(Args.of("name", name)));
        args.addAll(List.of(serverArgs));
        ProcessFixture.Child child = processes.start(label, ServerMain.class, args.toArray(String[]::new));
        child.awaitLine("READY", STARTUP);
        return new ServerProcess(name, child);
    }
}
