package io.concurrentkvs.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The report's targets section, from made-up rows (no benchmark runs here). */
class ReportTargetsTest {
    private final List<Row> rows = new ArrayList<>();

    /** A row of {@code opsPerSecond} whose latencies are all {@code nanos} (0: no latency recorded). */
    private void row(String scenario, String system, int processes, double opsPerSecond, long nanos) {
        row(scenario, system, processes, opsPerSecond, nanos, 0);
    }

    private void row(String scenario, String system, int processes, double opsPerSecond, long nanos, long errors) {
        List<Measurement> parts = new ArrayList<>();
        for (int i = 0; i < processes; i++) {
            Histogram h = Measurement.newHistogram();
            if (nanos > 0) {
                h.recordValueWithCount(nanos, 100);
            }
            parts.add(new Measurement((long) (opsPerSecond / processes), 1_000_000_000L, errors, 0, 0, h));
        }
        rows.add(new Row(scenario, system, Measurement.aggregate(parts), Double.NaN, Double.NaN));
    }

    private void fullRun() {
        row(Scenario.SYNC_GET.title, "kvs", 1, 900_000, 900);
        row(Scenario.SYNC_GET.title, "redis", 1, 10_000, 90_000);
        row(Scenario.ASYNC_GET.title, "kvs", 1, 3_500_000, 200_000);
        row(Scenario.ASYNC_GET.title, "redis", 1, 150_000, 6_000_000);
        row(Scenario.ASYNC_GET_256.title, "kvs", 1, 3_000_000, 2_000_000);
        row(Scenario.ASYNC_GET_256.title, "redis", 1, 140_000, 3_000_000);
        row(Scenario.SET_ALL.title, "kvs", 1, 3_200_000, 0);
        row(Scenario.SET_ALL.title, "redis", 1, 60_000, 0);
        row(Scenario.GET_ALL.title, "kvs", 1, 2_000_000, 0);
        row(Scenario.GET_ALL.title, "redis", 1, 60_000, 0);
        row(Scenario.mixTitle(100_000, 4), "kvs", 4, 1_200_000, 50_000);
        row(Scenario.mixTitle(100_000, 4), "chronicle", 4, 600_000, 700);
        row(Scenario.mixTitle(1_000_000, 4), "kvs", 4, 500_000, 50_000);
        row(Scenario.mixTitle(1_000_000, 4), "chronicle", 4, 550_000, 700);
        row(LoadGenerator.BUSY_SYNC_GET, "kvs", 1, 1_000_000, 4_000);
    }

    private static String line(String targets, String prefix) {
        return targets.lines()
                .filter(l -> l.substring(8).startsWith(prefix))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line " + prefix + " in\n" + targets));
    }

    @Test
    void everyTargetHasAVerdictWithItsNumbers() {
        fullRun();
        String t =
                new Report(rows, new Report.IdleCpu("balanced", 10, 3.0, 0.5), Settings.parse(new String[0])).targets();

        assertThat(t)
                .startsWith("== Targets (issue 11, defaults) ==\n")
                .doesNotContain("did not run with the library defaults");
        assertThat(line(t, "1.")).startsWith("MET").contains("p50 0.90 us", "p99 0.90 us", "Redis p50 90 us = 100x");
        assertThat(line(t, "2.")).startsWith("MET").contains("p99 4.00 us");
        assertThat(line(t, "3."))
                .startsWith("MET")
                .contains("3.50 M ops/s", "= 23x")
                .doesNotContain("aim 5 M reached");
        assertThat(line(t, "4."))
                .startsWith("MISSED")
                .contains("setAll 3.20 M ops/s", "getAll 2.00 M ops/s", "= 53x", "= 33x")
                .endsWith("[missed: getAll]");
        assertThat(line(t, "5."))
                .startsWith("MISSED")
                .contains("p99 2001 us", "Redis p99 3000 us")
                .endsWith("[missed: p99]");
        assertThat(line(t, "6."))
                .startsWith("MISSED")
                .contains("100k keys 1.20 M ops/s vs 0.60 M = 2.00x", "1000k keys 0.50 M ops/s vs 0.55 M = 0.91x")
                .endsWith("[missed: 1000k keys]");
        assertThat(line(t, "7.")).startsWith("MET").contains("3.50%");
    }

    @Test
    void failedRequestsMissTheTarget() {
        row(Scenario.ASYNC_GET_256.title, "kvs", 1, 800_000, 300_000, 256);
        String t = new Report(rows, null, Settings.parse(new String[0])).targets();

        assertThat(line(t, "5."))
                .startsWith("MISSED")
                .contains("p99 300 us", "kvs 256 failed requests")
                .endsWith("[missed: kvs errors]");
    }

    @Test
    void targetsWithoutTheirRowsAreSkippedNotFailed() {
        row(Scenario.SYNC_GET.title, "kvs", 1, 500_000, 20_000);
        String t = new Report(rows, null, Settings.parse(new String[] {"--server-idle", "busy"})).targets();

        assertThat(t).contains("did not run with the library defaults: server idle=busy");
        assertThat(line(t, "1.")).startsWith("MISSED").contains("[missed: p50, p99]", "not judged: Redis");
        for (String target : List.of("2.", "3.", "4.", "5.", "6.", "7.")) {
            assertThat(line(t, target)).startsWith("SKIPPED");
        }
    }

    @Test
    void defaultsAreTheLibrarys() {
        Settings s = Settings.parse(new String[0]);
        assertThat(s.serverIdle).isEqualTo("balanced");
        assertThat(s.kvsDefaults()).isTrue();
        assertThat(s.kvsDescription()).contains("idle=balanced (library default)", "ConnectionOptions.defaults()");
        assertThat(Settings.parse(new String[] {"--quick"}).clientCounts).contains(4);
        assertThat(Scenario.parse("async-get-256")).isEqualTo(Scenario.ASYNC_GET_256);
        assertThat(Scenario.mixTitle(100_000, 2)).isEqualTo("90/10 get/set mix, 100k keys, 2 proc");
    }

    @Test
    void theKvsApiOverRedisIsJudgedAgainstRawLettuceOnTheSameScenarios() {
        row(Scenario.SYNC_GET.title, "redis", 1, 10_000, 90_000);
        row(Scenario.SYNC_GET.title, ChildMain.KVS_REDIS, 1, 9_500, 95_000);
        row(Scenario.SET_ALL.title, "redis", 1, 60_000, 0);
        row(Scenario.SET_ALL.title, ChildMain.KVS_REDIS, 1, 50_000, 0);
        Report report = new Report(rows, null, Settings.parse(new String[0]));

        assertThat(line(report.targets(), "0."))
                .startsWith("MISSED")
                .contains(Scenario.SYNC_GET.title + " 0.95x", Scenario.SET_ALL.title + " 0.83x")
                .endsWith("[missed: " + Scenario.SET_ALL.title + "]");
        assertThat(report.ratios()).contains("the kvs API over Redis costs 5.0% of raw Lettuce's");
    }

    @Test
    void theRedisAdapterTargetIsSkippedWithoutBothRows() {
        row(Scenario.SYNC_GET.title, "redis", 1, 10_000, 90_000);
        assertThat(line(new Report(rows, null, Settings.parse(new String[0])).targets(), "0."))
                .startsWith("SKIPPED");
    }
}
