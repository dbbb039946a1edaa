package io.concurrentkvs.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running {@link ChildMain} in one role. Its standard output is pumped by a daemon thread into
 * a queue so the orchestrator can wait for an answer with a deadline; lines that are not part of the
 * protocol (libraries that print banners) are kept in the child's log with its standard error.
 *
 * <p>{@link #close()} ends the child: closes its input (every role exits on that), then destroys it by
 * its own pid if it has not exited within a few seconds. Only processes this class started are touched.
 */
final class Child implements AutoCloseable {
    private static final List<String> PROTOCOL = List.of("READY", "RESULT", "HEAP", "ALLOC", "DONE", "ERROR");

    final String label;
    private final Process process;
    private final PrintWriter stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Path log;

    private Child(String label, Process process, Path log) {
        this.label = label;
        this.process = process;
        this.log = log;
        this.stdin = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
        Thread pump = new Thread(this::pump, "stdout-" + label);
        pump.setDaemon(true);
        pump.start();
    }

    /** Starts {@code java <jvmArgs> -cp <our classpath> ChildMain <args>}; standard error goes to logDir. */
    static Child start(String label, List<String> jvmArgs, List<String> args, Path logDir) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ChildMain.class.getName());
        command.addAll(args);
        Path log = logDir.resolve(label + ".log");
        try {
            Files.writeString(log, String.join(" ", command) + "\n");
            Process p = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            return new Child(label, p, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + label, e);
        }
    }

    private void pump() {
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String word = line.split(" ", 2)[0];
                if (PROTOCOL.contains(word)) {
                    lines.add(line);
                } else {
                    Files.writeString(log, "[stdout] " + line + "\n", java.nio.file.StandardOpenOption.APPEND);
                }
            }
        } catch (IOException e) {
            // the child is gone; expect() reports it
        }
        lines.add("EOF");
    }

    long pid() {
        return process.pid();
    }

    /** The child's log file (its standard error and stray standard output). */
    Path log() {
        return log;
    }

    /**
     * Kills the child at once (SIGKILL on Linux, as {@code kill -9}): no shutdown hook, no finally block
     * runs in it. Waits until it is gone.
     */
    void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(label + " (pid " + process.pid() + ") still alive 30 s after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        stdin.close();
    }

    void send(String line) {
        stdin.println(line);
    }

    /** Waits for the next protocol line starting with {@code word}; returns what follows the word. */
    String expect(String word, long timeoutSeconds) {
        try {
            String line = lines.poll(timeoutSeconds, TimeUnit.SECONDS);
            if (line == null) {
                throw new IllegalStateException(
                        label + ": no " + word + " within " + timeoutSeconds + " s; see " + log);
            }
            if (!line.startsWith(word)) {
                throw new IllegalStateException(
                        label + ": expected " + word + ", got '" + abbreviate(line) + "'; see " + log);
            }
            return line.substring(word.length()).trim();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Sends {@code command} and waits for its answer line starting with {@code word}. */
    String expectAfter(String command, String word) {
        return expectAfter(command, word, 60);
    }

    String expectAfter(String command, String word, long timeoutSeconds) {
        send(command);
        return expect(word, timeoutSeconds);
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    @Override
    public void close() {
        stdin.close();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
