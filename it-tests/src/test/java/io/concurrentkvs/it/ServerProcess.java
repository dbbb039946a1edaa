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
        String name = ProcessFixture.uniqueName(prefix);
        // Removed by the server when it stops cleanly; this covers a server a test killed or that crashed.
        processes.deleteAfterTest(RegionPaths.defaultPath(name));
        List<String> args = new ArrayList<>(List.of(Args.of("name", name)));
        args.addAll(List.of(serverArgs));
        ProcessFixture.Child child = processes.start("server", ServerMain.class, args.toArray(String[]::new));
        child.awaitLine("READY", STARTUP);
        return new ServerProcess(name, child);
    }
}
