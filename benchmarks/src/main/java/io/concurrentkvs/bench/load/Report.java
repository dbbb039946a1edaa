package io.concurrentkvs.bench.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Prints the result table, the ratios between systems per scenario, and the targets with a
 * met/missed verdict, all from the rows of one run.
 */
final class Report {
    private final List<Row> rows;

    Report(List<Row> rows) {
        this.rows = rows;
    }

    String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-40s %-10s %5s %9s %9s %9s %9s %9s %12s %7s %14s %14s%n", "scenario",
                "system", "procs", "p50 us", "p90 us", "p99 us", "p99.9 us", "max us", "ops/s", "errors",
                "alloc B/op c/s", "cpu ns/op c/s"));
        String previous = null;
        for (Row r : rows) {
            if (previous != null && !previous.equals(r.scenario())) {
                sb.append('\n');
            }
            previous = r.scenario();
            Measurement.Aggregate a = r.result();
            Histogram h = a.latency();
            boolean lat = h.getTotalCount() > 0;
            sb.append(String.format(Locale.ROOT, "%-40s %-10s %5d %9s %9s %9s %9s %9s %12s %7d %14s %14s%n", r.scenario(),
                    r.system(), a.processes(), lat ? us(h.getValueAtPercentile(50)) : "-",
                    lat ? us(h.getValueAtPercentile(90)) : "-", lat ? us(h.getValueAtPercentile(99)) : "-",
                    lat ? us(h.getValueAtPercentile(99.9)) : "-", lat ? us(h.getMaxValue()) : "-",
                    String.format(Locale.ROOT, "%,.0f", a.opsPerSecond()), a.errors(),
                    bytes(a.clientBytesPerOp()) + "/" + bytes(r.serverBytesPerOp()),
                    bytes(a.clientCpuNanosPerOp()) + "/" + bytes(r.serverCpuNanosPerOp())));
        }
        return sb.toString();
    }

    String ratios() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Map<String, Row>> e : byScenario().entrySet()) {
            Row kvs = e.getValue().get("kvs");
            if (kvs == null) {
                continue;
            }
            for (String peer : List.of("redis", "chronicle")) {
                Row other = e.getValue().get(peer);
                if (other == null) {
                    continue;
                }
                sb.append(String.format(Locale.ROOT, "%-40s kvs vs %-9s", e.getKey(), peer));
                Histogram k = kvs.result().latency();
                Histogram o = other.result().latency();
                if (k.getTotalCount() > 0 && o.getTotalCount() > 0) {
                    sb.append(String.format(Locale.ROOT, " latency p50 %s, p99 %s;",
                            times((double) o.getValueAtPercentile(50) / k.getValueAtPercentile(50)),
                            times((double) o.getValueAtPercentile(99) / k.getValueAtPercentile(99))));
                }
                sb.append(String.format(Locale.ROOT, " throughput %s%n",
                        times(kvs.result().opsPerSecond() / other.result().opsPerSecond())));
            }
            Row harness = e.getValue().get("harness");
            if (harness != null) {
                sb.append(String.format(Locale.ROOT, "%-40s kvs vs harness   throughput %s of the harness's own ceiling%n",
                        e.getKey(), times(kvs.result().opsPerSecond() / harness.result().opsPerSecond())));
            }
        }
        sb.append("(latency: peer's time / ours, so >1x means we are faster; throughput: ours / peer's)\n");
        return sb.toString();
    }

    String targets() {
        List<String> out = new ArrayList<>();
        Row syncBusy = find(Scenario.SYNC_GET.title, "kvs");
        Row syncRedis = find(Scenario.SYNC_GET.title, "redis");
        Row async = find(Scenario.ASYNC_GET.title, "kvs");
        Row asyncRedis = find(Scenario.ASYNC_GET.title, "redis");
        Row setAll = find(Scenario.SET_ALL.title, "kvs");
        Row balanced = find(LoadGenerator.BALANCED_SYNC_GET, "kvs");
        if (syncBusy != null) {
            long p50 = syncBusy.result().latency().getValueAtPercentile(50);
            long p99 = syncBusy.result().latency().getValueAtPercentile(99);
            out.add(verdict(p50 <= 1_000 && p99 <= 5_000, "sync get (busy server) p50 <= 1 us and p99 <= 5 us: p50 "
                    + us(p50) + " us, p99 " + us(p99) + " us"));
        }
        if (async != null) {
            double r = async.result().opsPerSecond();
            out.add(verdict(r >= 3e6, String.format(Locale.ROOT, "async pipelined >= 3 M ops/s from one process: %.2f M", r / 1e6)));
            if (setAll != null) {
                double s = setAll.result().opsPerSecond();
                out.add(verdict(s >= 0.8 * r, String.format(Locale.ROOT,
                        "setAll within 80%% of async pipelined: %.2f M = %.0f%%", s / 1e6, 100 * s / r)));
            }
        }
        if (syncBusy != null && syncRedis != null) {
            double x = (double) syncRedis.result().latency().getValueAtPercentile(50)
                    / syncBusy.result().latency().getValueAtPercentile(50);
            out.add(verdict(x >= 50, "sync latency >= 50x better than Redis+Lettuce (p50): " + times(x)));
        }
        if (async != null && asyncRedis != null) {
            double x = async.result().opsPerSecond() / asyncRedis.result().opsPerSecond();
            out.add(verdict(x >= 10, "pipelined throughput >= 10x Redis+Lettuce: " + times(x)));
        }
        if (balanced != null) {
            long p50 = balanced.result().latency().getValueAtPercentile(50);
            out.add(verdict(p50 <= 20_000, "balanced server: sync get p50 <= 20 us: " + us(p50) + " us"));
        }
        return String.join("\n", out) + (out.isEmpty() ? "" : "\n");
    }

    private static String verdict(boolean met, String what) {
        return (met ? "MET     " : "MISSED  ") + what;
    }

    private Map<String, Map<String, Row>> byScenario() {
        Map<String, Map<String, Row>> map = new LinkedHashMap<>();
        for (Row r : rows) {
            map.computeIfAbsent(r.scenario(), k -> new LinkedHashMap<>()).put(r.system(), r);
        }
        return map;
    }

    private Row find(String scenario, String system) {
        Map<String, Row> bySystem = byScenario().get(scenario);
        return bySystem == null ? null : bySystem.get(system);
    }

    static String us(long nanos) {
        return nanos < 10_000 ? String.format(Locale.ROOT, "%.2f", nanos / 1e3)
                : String.format(Locale.ROOT, "%.0f", nanos / 1e3);
    }

    private static String bytes(double b) {
        return Double.isNaN(b) ? "-" : String.format(Locale.ROOT, "%.0f", b);
    }

    private static String times(double x) {
        return String.format(Locale.ROOT, x >= 10 ? "%.0fx" : "%.2fx", x);
    }
}
