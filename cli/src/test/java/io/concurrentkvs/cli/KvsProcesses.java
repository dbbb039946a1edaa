package io.concurrentkvs.cli;

import static org.awaitility.Awaitility.await;

import io.concurrentkvs.core.KvsServer;
import io.concurrentkvs.core.KvsStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The cross-process fixture of the cli tests: runs the real shaded jar ({@code java -jar kvs-cli.jar ...})
 * as child processes, sends each one's output to files under {@code target/cli-it/<test>/}, stops every
 * server it started after each test (SIGTERM, then SIGKILL after a bounded wait), then destroys the store
 * of every name a command was given (servers keep their store file when they stop) and fails the test if a
 * file of those names is left in {@code /dev/shm}; prints every captured output when a test fails. Register
 * with {@code @RegisterExtension}; used from the test thread.
 */
final class KvsProcesses implements BeforeEachCallback, AfterEachCallback, TestWatcher {
    static final Path JAR = Paths.get(requiredProperty("kvs.cli.jar"));
    static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);
    static final Duration SERVER_START_TIMEOUT = Duration.ofSeconds(90);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private static final Path WORK = Paths.get(System.getProperty("kvs.cli.work", "target/cli-it"));

    private final List<Process> servers = new ArrayList<>();
    private final List<Path> outputs = new ArrayList<>();
    private final Set<String> names = new LinkedHashSet<>();
    private Path testDir;
    private int runs;

    /** A store name no other test, run or engineer uses: prefix, this pid and a random suffix. */
    static String uniqueName(String prefix) {
        return String.format(
                Locale.ROOT,
                "%s-%d-%08x",
                prefix,
                ProcessHandle.current().pid(),
                ThreadLocalRandom.current().nextInt());
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        servers.clear();
        outputs.clear();
        names.clear();
        runs = 0;
        // Parameterized invocations share a method name: the display name tells them apart.
        testDir = WORK.resolve(context.getRequiredTestClass().getSimpleName())
                .resolve(context.getRequiredTestMethod().getName() + "-"
                        + context.getDisplayName().replaceAll("[^A-Za-z0-9_.-]+", "_"));
        Files.createDirectories(testDir);
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        for (Process server : servers) {
            stop(server);
        }
        List<Path> left = new ArrayList<>();
        for (String name : names) {
            StoreFiles files;
            try {
                files = StoreFiles.of(name);
            } catch (IllegalArgumentException invalidName) {
                continue; // a test of a bad name: no file can exist under it
            }
            KvsServer.destroy(name);
            for (Path file : List.of(files.region(), files.store(), files.lock())) {
                if (Files.exists(file)) {
                    left.add(file);
                }
            }
        }
        if (!left.isEmpty()) {
            throw new AssertionError("files left in shared memory after the test: " + left);
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        System.out.println("=== " + context.getDisplayName() + " failed; outputs of its processes:");
        for (Path output : outputs) {
            System.out.println("=== " + output);
            try {
                System.out.println(Files.readString(output, StandardCharsets.UTF_8));
            } catch (IOException e) {
                System.out.println("(unreadable: " + e + ")");
            }
        }
    }

    /** Runs {@code kvs args...} to completion and returns its exit code and output. */
    CliResult run(String... args) {
        return runCommand(List.of(args), javaJar(args));
    }

    /**
     * Runs {@code kvs args...} under a pseudo-terminal with util-linux {@code script}, so that the jar sees
     * a console; stdout and stderr both arrive in {@link CliResult#stdout()}, with the terminal's CRLF.
     */
    CliResult runInTerminal(String... args) {
        StringBuilder shell = new StringBuilder();
        for (String part : javaJar(args)) {
            shell.append('\'').append(part.replace("'", "'\\''")).append("' ");
        }
        return runCommand(
                List.of(args), List.of("script", "-qfec", shell.toString().trim(), "/dev/null"));
    }

    private CliResult runCommand(List<String> args, List<String> command) {
        recordName(args);
        int n = ++runs;
        String label = String.format(Locale.ROOT, "%02d-%s", n, args.isEmpty() ? "kvs" : args.get(0));
        Path out = testDir.resolve(label + ".out");
        Path err = testDir.resolve(label + ".err");
        outputs.add(out);
        outputs.add(err);
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(
                        ProcessBuilder.Redirect.from(Paths.get("/dev/null").toFile()));
        pb.environment().remove("KVS_NAME");
        try {
            Process process = pb.start();
            if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                throw new AssertionError("kvs " + String.join(" ", args) + " did not finish within " + COMMAND_TIMEOUT
                        + "; output in " + out);
            }
            return new CliResult(
                    args,
                    process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * Starts {@code kvs server --name name extraArgs...} and waits until it serves the store. The process is
     * stopped after the test.
     */
    Server startServer(String name, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("server", "--name", name));
        args.addAll(List.of(extraArgs));
        names.add(name);
        Path out = testDir.resolve(String.format(Locale.ROOT, "%02d-server-%s.out", ++runs, name));
        outputs.add(out);
        ProcessBuilder pb = new ProcessBuilder(javaJar(args.toArray(String[]::new)))
                .redirectErrorStream(true)
                .redirectOutput(out.toFile());
        pb.environment().remove("KVS_NAME");
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        servers.add(process);
        await("server " + name + " serving")
                .atMost(SERVER_START_TIMEOUT)
                .pollInterval(Duration.ofMillis(50))
                .ignoreExceptions()
                .failFast("server process exited; see " + out, () -> !process.isAlive())
                .until(() -> {
                    KvsStats stats = KvsStats.read(name);
                    // The region runs a moment before the command prints where it serves: wait for both.
                    return stats.serverPid() == process.pid()
                            && "RUNNING".equals(stats.state())
                            && Files.readString(out, StandardCharsets.UTF_8).contains("kvs server: serving");
                });
        return new Server(name, process, out);
    }

    /** Remembers the store name a command was given, to destroy its files after the test. */
    private void recordName(List<String> args) {
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).equals("--name") || args.get(i).equals("-n")) {
                names.add(args.get(i + 1));
            }
        }
    }

    private static List<String> javaJar(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(JAR.toString());
        command.addAll(List.of(args));
        return command;
    }

    private static void stop(Process process) throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static String requiredProperty(String name) {
        return Optional.ofNullable(System.getProperty(name))
                .orElseThrow(() -> new IllegalStateException(
                        "system property " + name + " is not set: run these tests with 'mvn -pl cli verify'"));
    }

    /** A running {@code kvs server} process started by {@link #startServer}. */
    record Server(String name, Process process, Path output) {
        /** Sends SIGTERM, as Ctrl-C would, and waits for the process to exit; returns its output. */
        String stopGracefully() throws InterruptedException, IOException {
            process.destroy();
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("server " + name + " did not stop within " + STOP_TIMEOUT + " of SIGTERM");
            }
            return Files.readString(output, StandardCharsets.UTF_8);
        }

        /** Kills the process with SIGKILL, as {@code kill -9} would, and waits for it to be gone. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("server " + name + " survived SIGKILL for " + STOP_TIMEOUT);
            }
        }

        /** Everything the server printed so far. */
        String log() throws IOException {
            return Files.readString(output, StandardCharsets.UTF_8);
        }
    }
}
