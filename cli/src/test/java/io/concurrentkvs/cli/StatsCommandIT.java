package io.concurrentkvs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.concurrentkvs.core.KvsStats;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code kvs stats} reads the counters the server publishes, reflecting operations just made. */
class StatsCommandIT {
    @RegisterExtension
    final KvsProcesses kvs = new KvsProcesses();

    @Test
    void statsReflectsOperationsJustMade() {
        String name = KvsProcesses.uniqueName("cli-stats");
        KvsProcesses.Server server = kvs.startServer(name);
        for (String key : List.of("a", "b", "c")) {
            assertThat(kvs.run("set", "--name", name, key, "v").exitCode()).isZero();
        }
        assertThat(kvs.run("get", "--name", name, "a").exitCode()).isZero();
        assertThat(kvs.run("get", "--name", name, "zzz").exitCode()).isEqualTo(1);
        assertThat(kvs.run("post", "--name", name, "a", "w").exitCode()).isEqualTo(1);
        assertThat(kvs.run("del", "--name", name, "b").exitCode()).isZero();

        // The server publishes counters every 100 ms heartbeat: poll until this run's operations show.
        CliResult[] last = new CliResult[1];
        await("stats showing the operations")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    CliResult stats = kvs.run("stats", "--name", name, "--interval", "100ms");
                    last[0] = stats;
                    assertThat(stats.exitCode()).as(stats.describe()).isZero();
                    assertThat(total(stats, "set")).as(stats.describe()).isEqualTo(3);
                    assertThat(total(stats, "get")).as(stats.describe()).isEqualTo(2);
                    assertThat(total(stats, "post")).as(stats.describe()).isEqualTo(1);
                    assertThat(total(stats, "del")).as(stats.describe()).isEqualTo(1);
                    assertThat(total(stats, "all")).as(stats.describe()).isEqualTo(7);
                });
        String out = last[0].stdout();
        assertThat(out)
                .contains("hits 1 (50.0%)")
                .contains("rejected (key existed) 1")
                .contains("2 entries stored")
                .contains("RUNNING, pid " + server.process().pid() + " (alive)")
                .contains("epoch ")
                .contains("uptime ")
                .contains("ring depth 0")
                .contains("clients connected")
                .contains("0 malformed requests")
                .contains("0 writes refused (store full), 0 corrupt entries")
                // Two entries of a 24-byte header, a 1-byte key and a 1-byte value.
                .contains("entries   2 / 1,048,576 (0.0% of the limit) in "
                        + KvsStats.read(name).storePath())
                .containsPattern(
                        "data      52 B live, \\d+ B in blocks, [\\d.]+ KiB in pages, [\\d.]+ MiB free of 256.0 MiB;"
                                + " fragmentation \\d+\\.\\d% \\(share of the pages in use holding no live record\\)");
    }

    @Test
    void watchPrintsOneRowPerIntervalAndStopsAfterCount() {
        String name = KvsProcesses.uniqueName("cli-stats");
        kvs.startServer(name);

        CliResult watch = kvs.run("stats", "--name", name, "--watch", "--count", "3", "--interval", "100ms");

        assertThat(watch.exitCode()).as(watch.describe()).isZero();
        List<String> lines = Arrays.asList(watch.stdout().split("\n"));
        assertThat(lines).as(watch.describe()).hasSize(5);
        assertThat(lines.get(0)).startsWith("store ").contains(name);
        assertThat(lines.get(1))
                .contains("get/s")
                .contains("set/s")
                .contains("total/s")
                .contains("ring")
                .contains("clients");
        assertThat(lines.subList(2, 5)).allMatch(line -> line.matches("\\d\\d:\\d\\d:\\d\\d\\s+.*"), "time rows");
    }

    /** The "total" column of the row for {@code op} in the stats report. */
    private static long total(CliResult stats, String op) {
        Matcher m = Pattern.compile("(?m)^" + op + "\\s+([\\d,]+)\\s").matcher(stats.stdout());
        if (!m.find()) {
            throw new AssertionError("no '" + op + "' row in:\n" + stats.stdout());
        }
        return Long.parseLong(m.group(1).replace(",", ""));
    }
}
