package io.concurrentkvs.core.internal.region;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Child JVMs for lock tests: {@link #probe} asks another process whether a lock file is held, {@link
 * #startHolder} starts a process that holds a region's lock. Used from the test thread only.
 */
public final class LockProcesses {
    /** How long a child JVM may take on a loaded 2-core machine. */
    public static final Duration CHILD = Duration.ofSeconds(60);

    private LockProcesses() {}

    /** What {@link LockProbeMain} prints for {@code lockPath}: {@code ABSENT}, or {@code HELD|FREE length=.. pid=..}. */
    public static String probe(Path lockPath) {
        try {
            Path out = Files.createTempFile("kvs-lock-probe", ".out");
            try {
                Process p = new ProcessBuilder(command(LockProbeMain.class, lockPath.toString()))
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile())
                        .start();
                if (!p.waitFor(CHILD.toSeconds(), TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("lock probe did not finish");
                }
                return Files.readString(out, StandardCharsets.UTF_8).trim();
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A child holding the lock of the region at {@code regionPath}; close its input to release, or kill it. */
    public static Holder startHolder(Path regionPath) {
        try {
            Path out = Files.createTempFile("kvs-lock-holder", ".out");
            Process p = new ProcessBuilder(command(LockHolderMain.class, regionPath.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            Holder holder = new Holder(p, out);
            await("lock holder to report")
                    .atMost(CHILD)
                    .until(() -> !holder.output().isEmpty() || !p.isAlive());
            if (!holder.output().startsWith("HELD")) {
                holder.kill();
                throw new IllegalStateException("lock holder did not take the lock: " + holder.output());
            }
            return holder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> command(Class<?> main, String arg) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(
                java,
                "-Xshare:auto",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                location(main) + File.pathSeparator + location(RegionLock.class),
                main.getName(),
                arg);
    }

    private static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A running {@link LockHolderMain}. */
    public static final class Holder {
        private final Process process;
        private final Path out;

        Holder(Process process, Path out) {
            this.process = process;
            this.out = out;
        }

        public long pid() {
            return process.pid();
        }

        String output() throws IOException {
            return Files.readString(out, StandardCharsets.UTF_8).trim();
        }

        /** SIGKILL, and waits until it is gone: the kernel drops its lock, its lock file stays. */
        public void kill() {
            process.destroyForcibly();
            await("lock holder to die").atMost(CHILD).until(() -> !process.isAlive());
            deleteOutput();
        }

        /** Ends its input so it releases the lock (deleting the lock file), and waits until it exits. */
        public void release() {
            try {
                process.getOutputStream().close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            await("lock holder to exit").atMost(CHILD).until(() -> !process.isAlive());
            deleteOutput();
        }

        private void deleteOutput() {
            try {
                Files.deleteIfExists(out);
            } catch (IOException ignored) {
                // a temp file; not in /dev/shm
            }
        }
    }
}
