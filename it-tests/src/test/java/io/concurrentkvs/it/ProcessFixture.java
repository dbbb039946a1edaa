package io.concurrentkvs.it;

import static org.awaitility.Awaitility.await;

import io.concurrentkvs.core.KvsServer;
import io.concurrentkvs.core.internal.region.RegionLock;
import io.concurrentkvs.core.internal.region.RegionPaths;
import io.concurrentkvs.core.internal.store.StoreFile;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts child JVMs for a test and cleans up after it: register with
 * {@code @RegisterExtension final ProcessFixture processes = new ProcessFixture();}.
 *
 * <p>Each child runs a main class on this JVM's class path (Surefire must not use its manifest-only
 * jar), with standard output and error sent to files under {@code target/it-logs/<class>/<test>/}.
 * Tests wait for the lines a child prints with {@link Child#awaitLine}, which polls the file with
 * Awaitility, send it commands on standard input with {@link Child#send}, and signal it by pid
 * ({@link Child#pause} / {@link Child#resume} for SIGSTOP / SIGCONT, {@link Child#kill9}, or
 * {@link Child#signal} for any other). After each test every child still alive is stopped cleanly
 * (resumed if paused, standard input closed, then SIGTERM) before it is forced (SIGKILL), stores
 * registered with {@link #destroyStoreAfterTest} are destroyed ({@link KvsServer#destroy(String)}: the
 * store file outlives its server, so nothing else removes it), files registered with {@link
 * #deleteAfterTest} are removed, and if the test failed the tail of every child's output is printed to
 * the test's standard error (Surefire's {@code *-output.txt}). A store whose files are still in {@code
 * /dev/shm} after that fails the test: a test must leave nothing behind.
 *
 * <p>Thread safety: used by the test's thread only.
 */
public final class ProcessFixture implements BeforeEachCallback, AfterEachCallback {
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final int DUMP_TAIL_LINES = 200;
    private static final List<String> CHILD_JVM_OPTIONS = List.of(
            "-XX:+UseSerialGC", "-Xms32m", "-Xmx256m", "-XX:-UsePerfData", "-Dchronicle.analytics.disable=true");

    private final List<Child> children = new ArrayList<>();
    private final List<Path> leftovers = new ArrayList<>();
    private final List<String> stores = new ArrayList<>();
    private Path logDirectory = Paths.get("target", "it-logs", "unnamed");

    /** A unique store name for one test: readable prefix, this JVM's pid, a random suffix. */
    public static String uniqueName(String prefix) {
        return "kvs-it-" + prefix + "-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xFFFF_FFFFL);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        Path base = Paths.get(System.getProperty("basedir", "."), "target", "it-logs");
        logDirectory = base.resolve(context.getRequiredTestClass().getSimpleName())
                .resolve(context.getRequiredTestMethod().getName());
        Files.createDirectories(logDirectory);
        try (Stream<Path> old = Files.list(logDirectory)) {
            for (Path file : (Iterable<Path>) old::iterator) {
                Files.deleteIfExists(file);
            }
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        for (Child child : children) {
            try {
                child.stop();
            } catch (RuntimeException e) {
                // Keep stopping the others; the fixture's own trouble must not hide the test's result.
                System.err.println("[fixture] cannot stop " + child + ": " + e);
                child.process.destroyForcibly();
            }
        }
        List<String> left = new ArrayList<>();
        for (String name : stores) {
            try {
                KvsServer.destroy(name); // every child is gone now, so no server can refuse it
            } catch (RuntimeException e) {
                left.add(name + " (" + e + ")");
            }
        }
        for (Path path : leftovers) {
            Files.deleteIfExists(path);
        }
        for (String name : stores) {
            Path region = RegionPaths.defaultPath(name);
            for (Path file : List.of(region, StoreFile.pathFor(region), RegionLock.pathFor(region))) {
                if (Files.exists(file)) {
                    left.add(file.toString());
                }
            }
        }
        if (context.getExecutionException().isPresent()) {
            children.forEach(Child::dumpLogs);
        }
        children.clear();
        leftovers.clear();
        stores.clear();
        if (!left.isEmpty()) {
            throw new AssertionError("the test left shared-memory files behind: " + left);
        }
    }

    /** The directory of this test's child logs; tests may keep their own files there (journals, ...). */
    public Path logDirectory() {
        return logDirectory;
    }

    /**
     * Destroys the store {@code name} after the test, once its children are gone: its store file and any
     * region a killed server left. Registering a name twice is harmless.
     */
    public void destroyStoreAfterTest(String name) {
        if (!stores.contains(name)) {
            stores.add(name);
        }
    }

    /** Removes {@code path} (if it exists) after the test, e.g. a region a killed server left behind. */
    public void deleteAfterTest(Path path) {
        leftovers.add(path);
    }

    /**
     * Starts {@code mainClass} in a new JVM.
     *
     * @param label names the child in log files and messages; unique within a test
     */
    public Child start(String label, Class<?> mainClass, String... args) {
        return start(label, List.of(), mainClass, args);
    }

    /**
     * Starts {@code mainClass} in a new JVM with {@code jvmOptions} after the defaults (so that, for
     * example, an {@code -Xmx} given here wins over the default one).
     */
    public Child start(String label, List<String> jvmOptions, Class<?> mainClass, String... args) {
        return startOnJava(label, Paths.get(System.getProperty("java.home")), jvmOptions, mainClass, args);
    }

    /**
     * Starts {@code mainClass} in a new JVM of the Java installed at {@code javaHome} (e.g. another
     * release than this test's), with {@code jvmOptions} after the defaults. The classes are compiled for
     * Java 17, so any later Java runs them.
     */
    public Child startOnJava(String label, Path javaHome, List<String> jvmOptions, Class<?> mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(javaHome.resolve("bin").resolve("java").toString());
        command.addAll(CHILD_JVM_OPTIONS);
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath());
        command.add(mainClass.getName());
        command.addAll(Arrays.asList(args));
        File out = logDirectory.resolve(label + ".out").toFile();
        File err = logDirectory.resolve(label + ".err").toFile();
        try {
            Process process = new ProcessBuilder(command)
                    .redirectOutput(out)
                    .redirectError(err)
                    .start();
            Child child = new Child(label, process, out.toPath(), err.toPath());
            children.add(child);
            return child;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + label + ": " + command, e);
        }
    }

    private static String classPath() {
        String classPath = System.getProperty("java.class.path");
        if (!classPath.contains(File.pathSeparator) && classPath.contains("surefire")) {
            throw new IllegalStateException("java.class.path is Surefire's booter jar (" + classPath
                    + "): set <useManifestOnlyJar>false</useManifestOnlyJar> so children get the real class path");
        }
        return classPath;
    }

    /** Sends {@code kill -<signal> <pid>} (e.g. STOP, CONT, KILL) and checks that it was delivered. */
    public static void signal(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true)
                    .start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending " + signal, e);
        }
    }

    /** One child JVM: its process, its output files, and the commands a test sends it. */
    public static final class Child {
        private final String label;
        private final Process process;
        private final Path out;
        private final Path err;
        private boolean everStopped;

        private Child(String label, Process process, Path out, Path err) {
            this.label = label;
            this.process = process;
            this.out = out;
            this.err = err;
        }

        public long pid() {
            return process.pid();
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        public Process process() {
            return process;
        }

        /**
         * Waits until the child prints a line starting with {@code prefix} and returns that line.
         *
         * @throws IllegalStateException at once if the child exits without printing it
         */
        public String awaitLine(String prefix, Duration timeout) {
            AtomicReference<String> found = new AtomicReference<>();
            await(label + " to print '" + prefix + "'")
                    .atMost(timeout)
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        // Look at liveness first: a line flushed just before exit is still found below.
                        boolean exited = !process.isAlive();
                        Optional<String> line = findLine(prefix);
                        if (line.isPresent()) {
                            found.set(line.get());
                            return true;
                        }
                        if (exited) {
                            throw new IllegalStateException(label + " exited with code " + process.exitValue()
                                    + " without printing '" + prefix + "'; stderr:\n" + tail(err));
                        }
                        return false;
                    });
            return found.get();
        }

        /** The first line printed so far that starts with {@code prefix}. */
        public Optional<String> findLine(String prefix) {
            return lines().stream().filter(l -> l.startsWith(prefix)).findFirst();
        }

        /** Every line printed on standard output so far. */
        public List<String> lines() {
            try {
                // Lenient decoding: a child's log must never make the test fail with a charset error.
                return new String(Files.readAllBytes(out), StandardCharsets.UTF_8)
                        .lines()
                        .toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Every line printed on standard error so far (where the child's logger writes). */
        public List<String> errorLines() {
            try {
                return new String(Files.readAllBytes(err), StandardCharsets.UTF_8)
                        .lines()
                        .toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Writes one command line to the child's standard input. */
        public void send(String line) {
            try {
                OutputStream in = process.getOutputStream();
                in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot send '" + line + "' to " + label, e);
            }
        }

        /** Sends a signal by pid; see {@link ProcessFixture#signal}. */
        public void signal(String signal) {
            if (signal.equals("STOP")) {
                everStopped = true;
            }
            ProcessFixture.signal(pid(), signal);
        }

        /**
         * Freezes the child with SIGSTOP and waits until every one of its threads has stopped, so that
         * no request is served after this returns (a signal reaches a thread running on another core a
         * moment after {@code kill} returns).
         */
        public void pause() {
            signal("STOP");
            Path tasks = Paths.get("/proc", Long.toString(pid()), "task");
            if (Files.isDirectory(tasks)) {
                await(label + " to stop")
                        .atMost(STOP_GRACE)
                        .pollInterval(Duration.ofMillis(5))
                        .until(() -> allThreadsStopped(tasks));
            }
        }

        /** Lets a {@linkplain #pause paused} child run again (SIGCONT). */
        public void resume() {
            signal("CONT");
        }

        /** Reads each thread's state, the field after the parenthesised name in {@code /proc/<pid>/task/<tid>/stat}. */
        private static boolean allThreadsStopped(Path tasks) throws IOException {
            try (Stream<Path> threads = Files.list(tasks)) {
                return threads.allMatch(thread -> {
                    try {
                        String stat = Files.readString(thread.resolve("stat"));
                        char state = stat.charAt(stat.lastIndexOf(')') + 2);
                        return state == 'T' || state == 't';
                    } catch (IOException gone) {
                        return true; // the thread exited meanwhile
                    }
                });
            }
        }

        /** {@code kill -9}, then waits until the process is gone. */
        public void kill9() {
            signal("KILL");
            awaitExit(STOP_GRACE);
        }

        /** Waits for the child to exit and returns its exit code. */
        public int awaitExit(Duration timeout) {
            await(label + " to exit")
                    .atMost(timeout)
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> !process.isAlive());
            return process.exitValue();
        }

        /** Stops the child: closes its input, then SIGTERM, then SIGKILL, each after a bounded wait. */
        void stop() {
            if (everStopped && process.isAlive()) {
                ProcessFixture.signal(pid(), "CONT"); // a stopped process would never see the requests below
            }
            try {
                process.getOutputStream().close();
                if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroy();
                    if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                        System.err.println("[fixture] " + label + " ignored SIGTERM; sending SIGKILL");
                        process.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                    }
                }
            } catch (IOException | InterruptedException e) {
                process.destroyForcibly();
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        void dumpLogs() {
            System.err.println("===== " + label + " (pid " + pid() + ", "
                    + (process.isAlive() ? "alive" : "exit " + process.exitValue()) + ") stdout " + out + "\n"
                    + tail(out) + "\n===== " + label + " stderr " + err + "\n" + tail(err));
        }

        private static String tail(Path file) {
            try {
                List<String> all = new String(Files.readAllBytes(file), StandardCharsets.UTF_8)
                        .lines()
                        .toList();
                return String.join("\n", all.subList(Math.max(0, all.size() - DUMP_TAIL_LINES), all.size()));
            } catch (IOException e) {
                return "(cannot read " + file + ": " + e + ")";
            }
        }

        @Override
        public String toString() {
            return label + " (pid " + pid() + ")";
        }
    }
}
