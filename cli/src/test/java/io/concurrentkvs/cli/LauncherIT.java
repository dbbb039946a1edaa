package io.concurrentkvs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The {@code ./kvs} launcher at the repository root runs the built jar with the arguments it is given. */
class LauncherIT {
    private static final Path LAUNCHER = Paths.get(System.getProperty("kvs.launcher", "../kvs"));

    @Test
    void launcherIsExecutableAndRunsTheJar() throws IOException, InterruptedException {
        assertThat(Files.isExecutable(LAUNCHER)).as(LAUNCHER + " is executable").isTrue();
        Path out = Files.createTempFile("kvs-launcher", ".out");
        try {
            // From another directory, as users run it: the launcher finds the jar relative to itself.
            Process process = new ProcessBuilder(LAUNCHER.toAbsolutePath().toString(), "--version")
                    .directory(Files.createTempDirectory("kvs-launcher-cwd").toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            assertThat(process.waitFor(2, TimeUnit.MINUTES))
                    .as("launcher finished")
                    .isTrue();
            String output = Files.readString(out, StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as(output).isZero();
            assertThat(output)
                    .as("the jar is already built: no build message")
                    .startsWith("kvs ")
                    .doesNotContain("building")
                    .doesNotContain("development build")
                    .containsPattern("\njava \\d+");
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
