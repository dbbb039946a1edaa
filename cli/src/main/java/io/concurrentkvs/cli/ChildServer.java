package io.concurrentkvs.cli;

import io.concurrentkvs.core.KvsException;
import io.concurrentkvs.core.KvsStats;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@code kvs server} running as a separate JVM — the same jar or class path as this process — whose
 * output is copied, line by line and prefixed, to a writer. Used by {@code kvs demo}. Methods are called
 * from one thread; the copying runs on its own daemon thread.
 */
final class ChildServer implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(20);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private final String name;
    private final Process process;
    private final Thread pump;

    private ChildServer(String name, Process process, Thread pump) {
        this.name = name;
        this.process = process;
        this.pump = pump;
    }

    /**
     * Starts {@code java -cp <this class path> io.concurrentkvs.cli.KvsMain server --name <name> <args>} and
     * copies its stdout and stderr to {@code out}, each line after {@code prefix}.
     */
    static ChildServer start(String name, List<String> serverArgs, PrintWriter out, String prefix) {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(KvsMain.class.getName());
        command.add("server");
        command.add("--name");
        command.add(name);
        command.addAll(serverArgs);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot start the server process " + command.get(0) + ": " + e.getMessage(), e);
        }
        Thread pump = new Thread(() -> copyLines(process, out, prefix), "kvs-demo-server-output");
        pump.setDaemon(true);
        pump.start();
        return new ChildServer(name, process, pump);
    }

    private static void copyLines(Process process, PrintWriter out, String prefix) {
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                synchronized (out) {
                    out.println(prefix + line);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // The process ended and its pipe closed under us: nothing more to copy.
        }
    }

    long pid() {
        return process.pid();
    }

    /**
     * Waits until this process serves the store (its region is RUNNING under its pid).
     *
     * @throws KvsException if the process exits first or the time runs out
     */
    void awaitServing(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                awaitOutput();
                throw new KvsException("the server process exited with code " + process.exitValue()
                        + " before serving '" + name + "'");
            }
            if (isServing()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new KvsException(
                        "the server process did not serve '" + name + "' within " + timeout.toSeconds() + " s");
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
    }

    private boolean isServing() {
        try {
            KvsStats stats = KvsStats.read(name);
            return stats.serverPid() == process.pid() && "RUNNING".equals(stats.state());
        } catch (KvsException e) {
            return false; // not created yet, or still being initialised
        }
    }

    /**
     * Asks the server to stop (SIGTERM, as Ctrl-C would) and waits for it and its last output.
     *
     * @return the process's exit code (143 after SIGTERM)
     * @throws KvsException if it did not stop within {@code timeout} and had to be killed
     */
    int stopGracefully(Duration timeout) throws InterruptedException {
        // Through the handle: Process.destroy() would also close our end of the output pipe, losing the
        // final statistics the server prints while it stops.
        process.toHandle().destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            throw new KvsException("the server process " + process.pid() + " did not stop within " + timeout.toSeconds()
                    + " s of SIGTERM and was killed");
        }
        awaitOutput();
        return process.exitValue();
    }

    private void awaitOutput() {
        try {
            pump.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Kills the process if it is still running and waits (a bounded time) for it to be gone, so that its
     * files can be removed next; for error paths.
     */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
