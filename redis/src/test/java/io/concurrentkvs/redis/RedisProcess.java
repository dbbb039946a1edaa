package io.concurrentkvs.redis;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One {@code redis-server} child process on 127.0.0.1 with nothing persisted ({@code --save ''
 * --appendonly no}, its working directory a temporary one), started and stopped by process handle; a JVM
 * shutdown hook kills it if a test run ends without {@link #close()}. {@link #pause()}/{@link #resume()}
 * send SIGSTOP/SIGCONT, {@link #kill()} SIGKILL, and {@link #restart()} starts it again on the same port.
 * Not thread-safe: one test thread drives it.
 */
final class RedisProcess implements AutoCloseable {
    static final Duration PATIENCE = Duration.ofSeconds(30);

    private final int port;
    private final Path dir;
    private final List<String> extraArgs;
    private final Thread shutdownHook;
    private Process process;

    private RedisProcess(int port, Path dir, List<String> extraArgs) {
        this.port = port;
        this.dir = dir;
        this.extraArgs = List.copyOf(extraArgs);
        this.shutdownHook = new Thread(this::killQuietly, "redis-" + port + "-killer");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Whether {@code redis-server} and {@code redis-cli} are on the PATH; tests are skipped without them. */
    static boolean installed() {
        return executable("redis-server") != null && executable("redis-cli") != null;
    }

    static String executable(String name) {
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "/usr/bin:/usr/local/bin" : path).split(":")) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    /** Starts a standalone Redis on a free port, in {@code dir}, and waits until it answers PING. */
    static RedisProcess start(Path dir, String... extraArgs) {
        RedisProcess redis = new RedisProcess(freePort(), dir, List.of(extraArgs));
        redis.launch();
        return redis;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    private void launch() {
        List<String> command = new ArrayList<>(List.of(
                executable("redis-server"),
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString(),
                "--daemonize",
                "no"));
        command.addAll(extraArgs);
        try {
            Files.createDirectories(dir);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            dir.resolve("redis-" + port + ".log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server on port " + port, e);
        }
        await("redis-server on port " + port + " answers PING")
                .atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException(
                                "redis-server on port " + port + " exited with " + process.exitValue() + ": " + log());
                    }
                    return "+PONG".equals(command("PING"));
                });
    }

    /** Sends one inline command and returns the first line of the reply, or null if nothing answers. */
    String command(String inline) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        } catch (IOException e) {
            return null;
        }
    }

    /** Runs {@code redis-cli -p <port> args...} and returns its output. */
    String cli(String... args) {
        List<String> command = new ArrayList<>(List.of(executable("redis-cli"), "-h", "127.0.0.1", "-p", "" + port));
        command.addAll(List.of(args));
        return run(command);
    }

    static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command + " did not end within 60 s: " + output);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(command + " exited with " + p.exitValue() + ": " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }

    String log() {
        try {
            return Files.readString(dir.resolve("redis-" + port + ".log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGSTOP: the server keeps its connections open and answers nothing. */
    void pause() {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        run(List.of("kill", "-" + name, Long.toString(process.pid())));
    }

    /** SIGKILL, and waits until the process is gone. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts a new process on the same port and directory (after {@link #kill()}). */
    void restart() {
        kill();
        launch();
    }

    private void killQuietly() {
        Process p = process;
        if (p != null && p.isAlive()) {
            // A stopped process ignores SIGTERM until continued; SIGKILL ends it in either state.
            p.destroyForcibly();
        }
    }

    @Override
    public void close() {
        killQuietly();
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down: the hook runs anyway.
        }
    }

    /** A free port whose cluster bus port (+10000) is free too. */
    static int freePort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20_000, 40_000);
            if (free(port) && free(port + 10_000)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port pair found");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
