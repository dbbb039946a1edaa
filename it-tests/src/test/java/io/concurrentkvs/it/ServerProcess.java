package io.concurrentkvs.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    private static final Pattern READY_ENTRIES = Pattern.compile("READY .* entries=(\\d+).*");

    /** Starts a server with {@link ServerMain}'s arguments ({@code --ringSize=64}, ...) and waits until it serves. */
    static ServerProcess start(ProcessFixture processes, String prefix, String... serverArgs) {
        return startOn(processes, ProcessFixture.uniqueName(prefix), "server", serverArgs);
    }

    /**
     * Starts a server on an existing store {@code name} (e.g. to replace a killed one) as child
     * {@code label}, and waits until it serves.
     */
    static ServerProcess startOn(ProcessFixture processes, String name, String label, String... serverArgs) {
        // The region is removed by the server when it stops cleanly, the store file never (it outlives
        // the server by design): the fixture destroys both once the test's children are gone.
        processes.destroyStoreAfterTest(name);
        List<String> args = new ArrayList<>(List.of(Args.of("name", name)));
        args.addAll(List.of(serverArgs));
        ProcessFixture.Child child = processes.start(label, ServerMain.class, args.toArray(String[]::new));
        child.awaitLine("READY", STARTUP);
        return new ServerProcess(name, child);
    }

    /** The entries the server held when it printed READY: those it adopted, if no client wrote before. */
    long readyEntries() {
        Matcher m = READY_ENTRIES.matcher(child.awaitLine("READY", STARTUP));
        if (!m.matches()) {
            throw new IllegalStateException("no entries in the READY line of " + child);
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * Stops the server the orderly way, by closing its input ({@link io.concurrentkvs.core.KvsServer#close()}:
     * requests in the ring are answered, the store file stays), and waits until the process has exited
     * cleanly.
     */
    void stopGracefully() {
        try {
            child.process().getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the input of " + child, e);
        }
        child.awaitLine("STOPPED", STARTUP);
        int exit = child.awaitExit(STARTUP);
        if (exit != 0) {
            throw new IllegalStateException(child + " exited with code " + exit + " after a graceful stop");
        }
    }
}
