package io.concurrentkvs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kvs bench} on a terminal: run under a pseudo-terminal ({@code script} from util-linux), its
 * progress is one line redrawn with carriage returns, and the summary that follows is readable.
 */
class TerminalBenchIT {
    /** A bare carriage return (not the terminal's CRLF) followed by a progress line. */
    private static final Pattern REDRAW = Pattern.compile("\r(?!\n)\\s*\\d{1,3}\\.\\d%  [\\d,]+/[\\d,]+ ops  ");

    @RegisterExtension
    final KvsProcesses kvs = new KvsProcesses();

    @Test
    void benchRedrawsOneProgressLineOnATerminalThenPrintsTheSummary() throws IOException {
        String name = KvsProcesses.uniqueName("cli-tty");
        kvs.startServer(name);

        CliResult bench = kvs.runInTerminal(
                "bench",
                "--name",
                name,
                "--ops",
                "200000",
                "--clients",
                "1",
                "--pipeline",
                "64",
                "--progress-interval",
                "100ms");

        String screen = bench.stdout();
        Path sample = Paths.get(System.getProperty("kvs.cli.work", "target/cli-it"), "terminal-bench-sample.txt");
        Files.writeString(sample, screen, StandardCharsets.UTF_8);
        assertThat(bench.exitCode()).as(bench.describe()).isZero();
        Matcher redraws = REDRAW.matcher(screen);
        assertThat(redraws.find())
                .as("a progress line drawn after \\r: " + bench.describe())
                .isTrue();
        assertThat(screen).as("no plain progress lines on a terminal").doesNotContain("progress ");
        // The last redraw is the whole run, then a newline, then the summary on lines of its own.
        assertThat(screen)
                .as(bench.describe())
                .containsPattern("\r100\\.0%  200,000/200,000 ops  [\\d,]+ ops/s  p50 [\\d,.]+ µs  p99 [\\d,.]+ µs"
                        + "  0 errors  [\\d.]+ s\\s*\r\n")
                .containsPattern("\r\nsummary   200,000 ops in [\\d.]+ s = [\\d,]+ ops/s, 0 errors\r\n")
                .containsPattern("\r\nlatency   µs   p50 [\\d,.]+   p90 [\\d,.]+   p99 [\\d,.]+   p99\\.9 [\\d,.]+"
                        + "   max [\\d,.]+");
    }
}
