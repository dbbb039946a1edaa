package io.concurrentkvs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.concurrentkvs.core.KvsStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code kvs bench} against a real server, its output not a terminal. */
class BenchCommandIT {
    @RegisterExtension
    final KvsProcesses kvs = new KvsProcesses();

    @Test
    void benchFinishesWithThroughputAndALatencySummary() {
        String name = KvsProcesses.uniqueName("cli-bench");
        kvs.startServer(name);

        CliResult bench = kvs.run(
                "bench",
                "--name",
                name,
                "--ops",
                "20000",
                "--clients",
                "2",
                "--pipeline",
                "32",
                "--keys",
                "500",
                "--mix",
                "get:70,set:20,post:5,del:5",
                "--value-size",
                "40");

        assertThat(bench.exitCode()).as(bench.describe()).isZero();
        assertThat(bench.stdout())
                .as(bench.describe())
                .contains("bench     store '" + name + "'")
                .contains("2 clients x 32 in flight")
                .contains("mix get:70,set:20,post:5,del:5")
                .contains("40 B values")
                .contains("machine   ")
                .containsPattern("java \\d+")
                .contains("server    pid ")
                .contains("preload   writing 500 keys")
                .containsPattern("(?m)^summary   20,000 ops in [\\d.]+ s = [\\d,]+ ops/s, 0 errors$")
                .containsPattern(
                        "(?m)^by op     get [\\d,]+ \\(hits [\\d.]+%\\), set [\\d,]+, post [\\d,]+, del [\\d,]+$")
                .containsPattern("(?m)^latency   µs   p50 [\\d,.]+   p90 [\\d,.]+   p99 [\\d,.]+   p99\\.9 [\\d,.]+"
                        + "   max [\\d,.]+   mean [\\d,.]+   \\(20,000 samples\\)$");
        // Not a terminal: plain progress lines, the last one at 100%, and no carriage returns.
        assertThat(bench.stdout())
                .as(bench.describe())
                .containsPattern("(?m)^progress 100\\.0%  20,000/20,000 ops")
                .doesNotContain("\r");
        assertThat(bench.stderr()).as(bench.describe()).isEmpty();
    }

    @Test
    void benchOperationsReachTheServer() {
        String name = KvsProcesses.uniqueName("cli-bench");
        kvs.startServer(name);

        CliResult bench = kvs.run(
                "bench",
                "--name",
                name,
                "--ops",
                "3000",
                "--mix",
                "set:1",
                "--keys",
                "100",
                "--no-preload",
                "--progress",
                "none");

        assertThat(bench.exitCode()).as(bench.describe()).isZero();
        assertThat(bench.stdout())
                .as(bench.describe())
                .doesNotContain("preload")
                .doesNotContain("progress");
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() -> KvsStats.read(name).sets() == 3000);
        assertThat(KvsStats.read(name).storedEntries()).isEqualTo(100);
    }
}
