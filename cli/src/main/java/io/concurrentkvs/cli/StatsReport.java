package io.concurrentkvs.cli;

import io.concurrentkvs.core.KvsStats;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * Renders {@link KvsStats} snapshots as text: the full report of {@code kvs stats}, the one-row-per-sample
 * table of {@code kvs stats --watch}, and the totals {@code kvs server} prints when it stops. Rates are
 * counter deltas divided by the time between the two snapshots' heartbeats, because the server publishes
 * its counters at each heartbeat. Stateless; returns strings and prints nothing.
 */
final class StatsReport {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
    private static final String ROW = "%-8s %9s %9s %9s %9s %10s %7s %6s %8s %10s";

    private StatsReport() {}

    /** The full report of two snapshots of one store, {@code before} taken first. */
    static List<String> report(KvsStats before, KvsStats after, Instant now) {
        List<String> lines = new ArrayList<>();
        lines.add("store     " + after.path());
        lines.add("server    " + after.state() + ", pid " + after.serverPid()
                + (after.serverAlive() ? " (alive)" : " (process gone)") + ", epoch "
                + Long.toHexString(after.epoch()) + ", uptime " + Formats.duration(after.uptime(now))
                + ", last heartbeat " + Formats.duration(Duration.between(after.lastHeartbeat(), now)) + " ago");
        lines.add("config    " + after.workers() + " workers, " + after.stripes() + " stripes, ring of "
                + after.ringCapacity() + " slots, keys <= " + after.maxKeyBytes() + " B, values <= "
                + after.maxValueBytes() + " B, " + after.maxClients() + " clients x "
                + after.responseSlotsPerClient() + " in flight");
        lines.addAll(store(after));
        lines.add(disk(after, now));
        lines.add("");
        lines.add(String.format(Locale.ROOT, "%-9s %14s %12s   %s", "op", "total", "per second", "detail"));
        lines.add(opLine(
                "get",
                before,
                after,
                KvsStats::gets,
                "hits " + Formats.count(after.getHits()) + " (" + Formats.percent(after.getHits(), after.gets())
                        + ")"));
        lines.add(opLine("set", before, after, KvsStats::sets, ""));
        lines.add(opLine(
                "post",
                before,
                after,
                KvsStats::posts,
                "rejected (key existed) " + Formats.count(after.postsRejected())));
        lines.add(opLine(
                "del",
                before,
                after,
                KvsStats::dels,
                "hits " + Formats.count(after.delHits()) + " (" + Formats.percent(after.delHits(), after.dels())
                        + ")"));
        lines.add(opLine("all", before, after, KvsStats::totalOps, ""));
        lines.add("");
        lines.add("errors    " + Formats.count(after.malformedRequests()) + " malformed requests, "
                + Formats.count(after.staleAnswers()) + " stale answers (client stopped waiting), "
                + Formats.count(after.skippedSlots()) + " ring slots skipped (producer stalled), "
                + Formats.count(after.ringRepairs()) + " ring repairs (region written by another process)");
        lines.add("          " + Formats.count(after.rejectedBatches()) + " batches rejected (seal broken), "
                + Formats.count(after.capacityRejections()) + " writes refused (store full), "
                + Formats.count(after.corruptEntries()) + " corrupt entries (damaged in the store file)");
        lines.add("load      ring depth " + Formats.count(after.ringDepth()) + " queued, "
                + Formats.count(after.clientsConnected()) + " clients connected ("
                + Formats.count(after.clientsReclaimed()) + " reclaimed), "
                + Formats.count(after.storedEntries()) + " entries stored");
        long window = heartbeatMillis(before, after);
        lines.add(
                window > 0
                        ? "rates     over the last " + Formats.duration(Duration.ofMillis(window)) + " of heartbeats"
                        : "rates     unknown: the server published no counters between the two samples");
        return lines;
    }

    /** The persistence line: the fsync policy, the log since the last snapshot, the last fsync and snapshot. */
    static String disk(KvsStats s, Instant now) {
        if (s.fsyncPolicy().isEmpty()) {
            return "disk      no persistence (the data lives in shared memory only)";
        }
        String refused = s.persistenceRefusals() > 0 || s.logBytesDropped() > 0
                ? "; " + Formats.count(s.persistenceRefusals()) + " writes refused (disk full), "
                        + Formats.bytes(s.logBytesDropped()) + " of log dropped (log failed)"
                : "";
        return "disk      fsync " + FsyncConverter.word(s.fsyncPolicy().get()) + ", log " + Formats.bytes(s.logBytes())
                + ", last fsync " + ago(s.lastFsync(), now) + ", last snapshot " + ago(s.lastSnapshot(), now)
                + (s.snapshotBytes() > 0 ? " (" + Formats.bytes(s.snapshotBytes()) + ")" : "") + refused;
    }

    private static String ago(java.util.Optional<Instant> when, Instant now) {
        return when.map(t -> Formats.duration(Duration.between(t, now)) + " ago")
                .orElse("never");
    }

    /** The store file's lines: entries against the limit, then where its data bytes are. */
    static List<String> store(KvsStats s) {
        if (s.maxEntries() == 0) {
            return List.of("entries   " + Formats.count(s.storedEntries()) + "; no store file at " + s.storePath());
        }
        return List.of(
                "entries   " + Formats.count(s.storedEntries()) + " / " + Formats.count(s.maxEntries()) + " ("
                        + Formats.percent(s.storedEntries(), s.maxEntries()) + " of the limit) in " + s.storePath(),
                "data      " + Formats.bytes(s.storeLiveBytes()) + " live, " + Formats.bytes(s.storeBlockBytes())
                        + " in blocks, " + Formats.bytes(s.storePageBytes()) + " in pages, "
                        + Formats.bytes(s.storeFreeBytes()) + " free of " + Formats.bytes(s.storeDataBytes())
                        + "; fragmentation " + Formats.percent(s.storeFragmentation())
                        + " (share of the pages in use holding no live record)");
    }

    private static String opLine(
            String op, KvsStats before, KvsStats after, ToLongFunction<KvsStats> counter, String detail) {
        long total = counter.applyAsLong(after);
        double rate = perSecond(counter.applyAsLong(before), total, before, after);
        return String.format(Locale.ROOT, "%-9s %14s %12s   %s", op, Formats.count(total), Formats.rate(rate), detail)
                .stripTrailing();
    }

    /** Column titles of the watch table. */
    static String watchHeader() {
        return String.format(
                Locale.ROOT,
                ROW,
                "time",
                "get/s",
                "set/s",
                "post/s",
                "del/s",
                "total/s",
                "errors",
                "ring",
                "clients",
                "entries");
    }

    /** One row of the watch table: rates between {@code prev} and {@code cur}, gauges of {@code cur}. */
    static String watchRow(KvsStats prev, KvsStats cur, LocalTime now) {
        return String.format(
                Locale.ROOT,
                ROW,
                CLOCK.format(now),
                Formats.rate(perSecond(prev.gets(), cur.gets(), prev, cur)),
                Formats.rate(perSecond(prev.sets(), cur.sets(), prev, cur)),
                Formats.rate(perSecond(prev.posts(), cur.posts(), prev, cur)),
                Formats.rate(perSecond(prev.dels(), cur.dels(), prev, cur)),
                Formats.rate(perSecond(prev.totalOps(), cur.totalOps(), prev, cur)),
                Formats.count(errors(cur)),
                Formats.count(cur.ringDepth()),
                Formats.count(cur.clientsConnected()),
                Formats.count(cur.storedEntries()));
    }

    /** The totals a stopping server prints. */
    static List<String> totals(KvsStats s, Instant now) {
        List<String> lines = new ArrayList<>();
        lines.add("served " + Formats.count(s.totalOps()) + " requests in " + Formats.duration(s.uptime(now)) + ": "
                + Formats.count(s.gets()) + " gets (" + Formats.count(s.getHits()) + " hits), "
                + Formats.count(s.sets()) + " sets, " + Formats.count(s.posts()) + " posts ("
                + Formats.count(s.postsRejected()) + " rejected), " + Formats.count(s.dels()) + " dels ("
                + Formats.count(s.delHits()) + " hits)");
        lines.add(Formats.count(s.storedEntries()) + " entries stored, " + Formats.count(s.clientsReclaimed())
                + " dead clients reclaimed, " + Formats.count(s.malformedRequests()) + " malformed requests, "
                + Formats.count(s.staleAnswers()) + " stale answers, " + Formats.count(s.skippedSlots())
                + " skipped ring slots, " + Formats.count(s.ringRepairs()) + " ring repairs, "
                + Formats.count(s.rejectedBatches()) + " rejected batches, "
                + Formats.count(s.capacityRejections()) + " writes refused (store full), "
                + Formats.count(s.corruptEntries()) + " corrupt entries");
        return lines;
    }

    /**
     * Requests the server could not serve normally (malformed, skipped, refused for a full store), ring
     * repairs and corrupt entries.
     */
    static long errors(KvsStats s) {
        return s.malformedRequests()
                + s.skippedSlots()
                + s.ringRepairs()
                + s.rejectedBatches()
                + s.capacityRejections()
                + s.corruptEntries();
    }

    private static long heartbeatMillis(KvsStats before, KvsStats after) {
        return Duration.between(before.lastHeartbeat(), after.lastHeartbeat()).toMillis();
    }

    private static double perSecond(long before, long after, KvsStats a, KvsStats b) {
        long millis = heartbeatMillis(a, b);
        // Different epochs mean the server restarted between the samples and its counters began again.
        if (millis <= 0 || a.epoch() != b.epoch()) {
            return Double.NaN;
        }
        return (after - before) * 1000.0 / millis;
    }
}
