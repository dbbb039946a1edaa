package io.concurrentkvs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.concurrentkvs.core.AsyncKvsClient;
import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.ConnectionOptions;
import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.core.KvsStats;
import io.concurrentkvs.core.internal.region.RegionPaths;
import io.concurrentkvs.core.internal.ring.RequestRingDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Producers that write their batches into the ring record by record ({@link BatchProducerMain}) are
 * killed with {@code kill -9} at random moments, many of them with a batch claimed and half written, and
 * replaced by new producers. Afterwards a normal client reads back every key of every batch any producer
 * began: each batch must be whole or absent (a batch that was never published is skipped whole, and a
 * published one is applied whole), and every acknowledged batch must be whole.
 *
 * <p>One extra producer holds a half-written batch until it is killed, so that at least one mid-batch
 * kill, and the skip of its slot, is certain; where the random kills land is up to the scheduler.
 */
class BatchAtomicityTest {
    private static final int STALL_TIMEOUT_MS = 300;
    private static final int CLIENT_TIMEOUT_MS = 2_000;
    private static final int PRODUCERS = 4;
    private static final int RANDOM_KILLS = 12;
    /** A victim is killed after between 1 and this many more acknowledged batches. */
    private static final int MAX_ACKS_BEFORE_KILL = 40;

    private static final int RECORD_PAUSE_MICROS = 100;
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    /** Reads in flight at once: enough for the client to send full ring slots of GETs. */
    private static final int READ_WINDOW = 1024;

    private static final Pattern BEGIN = Pattern.compile("BEGIN (\\d+) (\\d+)");
    private static final Pattern ACK = Pattern.compile("ACK (\\d+) (\\d+)");

    @RegisterExtension
    final ProcessFixture processes = new ProcessFixture();

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void producersKilledMidBatchNeverLeaveAHalfAppliedBatchAndLoseNoAcknowledgedWrite() {
        long seed = System.nanoTime();
        System.out.println("batch kill moments from seed " + seed);
        SplittableRandom random = new SplittableRandom(seed);
        ServerProcess server = ServerProcess.start(
                processes,
                "batchkill",
                Args.of("workers", 2),
                Args.of("stallTimeoutMs", STALL_TIMEOUT_MS),
                Args.of("clientTimeoutMs", CLIENT_TIMEOUT_MS),
                Args.of("maxClients", 16));
        String path = RegionPaths.defaultPath(server.name()).toString();
        List<Producer> all = new ArrayList<>();
        List<Producer> live = new ArrayList<>();
        int nextId = 0;
        for (int p = 0; p < PRODUCERS; p++) {
            live.add(Producer.start(processes, path, nextId++, random.nextLong()));
        }
        all.addAll(live);
        live.forEach(Producer::go);

        // The certain mid-batch kill: a producer that claims a slot, writes half a batch and stops there.
        int holdAt = 1 + random.nextInt(20);
        Producer holder = Producer.start(processes, path, nextId++, random.nextLong(), Args.of("holdAtBatch", holdAt));
        all.add(holder);
        holder.go();
        holder.child.awaitLine("HOLD " + holdAt + " ", PATIENCE);
        long skippedBefore = KvsStats.read(server.name()).skippedSlots();
        holder.kill();
        await("the held slot to be skipped")
                .atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> KvsStats.read(server.name()).skippedSlots() > skippedBefore);

        for (int k = 0; k < RANDOM_KILLS; k++) {
            int victimAt = random.nextInt(live.size());
            Producer victim = live.get(victimAt);
            victim.awaitAcks(victim.acks() + 1 + random.nextInt(MAX_ACKS_BEFORE_KILL));
            victim.kill();
            Producer replacement = Producer.start(processes, path, nextId++, random.nextLong());
            all.add(replacement);
            live.set(victimAt, replacement);
            replacement.go();
        }
        for (Producer p : live) {
            p.awaitAcks(p.acks() + 1);
            p.child.send("stop");
        }
        for (Producer p : live) {
            p.child.awaitLine("DONE", PATIENCE);
            p.child.awaitExit(PATIENCE);
        }
        int kills = 1 + RANDOM_KILLS;

        ConnectionOptions options = ConnectionOptions.builder()
                .defaultTimeout(Duration.ofSeconds(30))
                .build();
        try (KvsConnection conn = KvsConnection.connect(server.name(), options)) {
            AsyncKvsClient<String, String> client = conn.async(Codecs.string(), Codecs.string());
            await("dead producers' entries to be reclaimed")
                    .atMost(PATIENCE)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> KvsStats.read(server.name()).clientsConnected() == 1);
            KvsStats stats = KvsStats.read(server.name());
            int unknownSize = Math.min(
                    RequestRingDescriptor.maxRequests(
                            RequestRingDescriptor.slotSize(stats.maxKeyBytes(), stats.maxValueBytes())),
                    stats.responseSlotsPerClient());

            Tally tally = new Tally();
            for (Producer p : all) {
                p.check(client, tally, unknownSize);
            }
            assertThat(client.set("after", "kills").join()).isTrue();
            assertThat(client.get("after").join()).contains("kills");
            stats = KvsStats.read(server.name());
            System.out.printf(
                    "batch kill test: %d kills, %d batches sent, %d whole, %d absent, %d acked, %d resent, "
                            + "%d keys read, %d skipped slots, %d clients reclaimed, seed %d%n",
                    kills,
                    tally.sent,
                    tally.whole,
                    tally.absent,
                    tally.acked,
                    tally.resent,
                    tally.keysRead,
                    stats.skippedSlots(),
                    stats.clientsReclaimed(),
                    seed);

            assertThat(tally.broken.size())
                    .as("batches neither whole nor absent, e.g. %s", first(tally.broken))
                    .isZero();
            assertThat(tally.lostAcked.size())
                    .as("acknowledged batches not whole, e.g. %s", first(tally.lostAcked))
                    .isZero();
            // Only a killed producer's last batch can be missing: it sends one batch at a time.
            assertThat(tally.absent).as("absent batches").isLessThanOrEqualTo(kills);
            assertThat(tally.heldAbsent)
                    .as("the held half-written batch is absent")
                    .isTrue();
            assertThat(tally.acked).as("acknowledged batches").isGreaterThanOrEqualTo(RANDOM_KILLS);
            assertThat(server.child().isAlive()).as("server alive").isTrue();
            assertThat(stats.skippedSlots()).as("stalled slots skipped").isGreaterThanOrEqualTo(1);
            assertThat(stats.clientsReclaimed())
                    .as("entries of killed producers reclaimed")
                    .isGreaterThanOrEqualTo(kills);
        }
    }

    private static List<String> first(List<String> list) {
        return list.subList(0, Math.min(10, list.size()));
    }

    /** What the read-back found. */
    private static final class Tally {
        final List<String> broken = new ArrayList<>();
        final List<String> lostAcked = new ArrayList<>();
        boolean heldAbsent;
        long sent;
        long whole;
        long absent;
        long acked;
        long resent;
        long keysRead;
    }

    /** One {@link BatchProducerMain} child and what it printed. */
    private static final class Producer {
        final int id;
        final ProcessFixture.Child child;
        final boolean holds;
        boolean killed;
        long heldBatch = -1;

        private Producer(int id, ProcessFixture.Child child, boolean holds) {
            this.id = id;
            this.child = child;
            this.holds = holds;
        }

        static Producer start(ProcessFixture processes, String path, int id, long seed, String... extra) {
            List<String> args = new ArrayList<>(List.of(
                    Args.of("path", path),
                    Args.of("producer", id),
                    Args.of("seed", seed),
                    Args.of("recordPauseMicros", RECORD_PAUSE_MICROS)));
            args.addAll(List.of(extra));
            ProcessFixture.Child child =
                    processes.start("producer-" + id, BatchProducerMain.class, args.toArray(String[]::new));
            child.awaitLine("READY", ServerProcess.STARTUP);
            return new Producer(id, child, extra.length > 0);
        }

        void go() {
            child.send("go");
        }

        void kill() {
            assertThat(child.isAlive()).as("producer %d alive until killed", id).isTrue();
            child.kill9();
            killed = true;
        }

        long acks() {
            return child.lines().stream().filter(l -> l.startsWith("ACK ")).count();
        }

        /** Waits until this producer acknowledged {@code target} batches; fails at once if it stopped. */
        void awaitAcks(long target) {
            await("producer " + id + " to acknowledge " + target + " batches")
                    .atMost(PATIENCE)
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        boolean exited = !child.isAlive();
                        List<String> lines = child.lines();
                        lines.stream()
                                .filter(l -> l.startsWith("FAILED"))
                                .findFirst()
                                .ifPresent(l -> {
                                    throw new AssertionError("producer " + id + ": " + l);
                                });
                        if (lines.stream().filter(l -> l.startsWith("ACK ")).count() >= target) {
                            return true;
                        }
                        if (exited) {
                            throw new AssertionError("producer " + id + " exited with "
                                    + child.process().exitValue() + "; stderr: " + child.errorLines());
                        }
                        return false;
                    });
        }

        /**
         * Reads back every batch this producer began, and the one after its last (of unknown size, which
         * must be absent), and adds what it found to {@code tally}.
         */
        void check(AsyncKvsClient<String, String> client, Tally tally, int unknownSize) {
            List<String> lines = child.lines();
            if (holds) {
                heldBatch = child.findLine("HOLD ")
                        .map(l -> Long.parseLong(l.split(" ")[1]))
                        .orElseThrow();
            }
            assertThat(lines).as("output of producer %d", id).noneMatch(l -> l.startsWith("FAILED"));
            TreeMap<Long, Integer> sizes = new TreeMap<>();
            Set<Long> acked = new HashSet<>();
            for (String line : lines) {
                Matcher begin = BEGIN.matcher(line);
                Matcher ack = ACK.matcher(line);
                if (begin.matches()) {
                    sizes.put(Long.parseLong(begin.group(1)), Integer.parseInt(begin.group(2)));
                } else if (ack.matches()) {
                    long batch = Long.parseLong(ack.group(1));
                    assertThat(sizes.get(batch))
                            .as("size of acked batch %d of producer %d", batch, id)
                            .isEqualTo(Integer.parseInt(ack.group(2)));
                    acked.add(batch);
                } else if (line.startsWith("RESEND ")) {
                    tally.resent++;
                }
            }
            long next = sizes.isEmpty() ? 0 : sizes.lastKey() + 1;
            assertThat(sizes.size())
                    .as("producer %d began batches 0 .. %d in order", id, next - 1)
                    .isEqualTo(next);
            // One batch at a time: all but the last begun were acknowledged, and a stopped producer's last too.
            long unacked = next - acked.size();
            assertThat(unacked).as("unacknowledged batches of producer %d", id).isBetween(0L, killed ? 1L : 0L);
            sizes.put(next, unknownSize);

            // Every key, read READ_WINDOW at a time; then each batch is judged on its values.
            TreeMap<Long, List<Optional<String>>> values = new TreeMap<>();
            List<long[]> keys = new ArrayList<>();
            sizes.forEach((batch, size) -> {
                values.put(batch, new ArrayList<>());
                for (int i = 0; i < size; i++) {
                    keys.add(new long[] {batch, i});
                }
            });
            for (int from = 0; from < keys.size(); from += READ_WINDOW) {
                List<long[]> window = keys.subList(from, Math.min(keys.size(), from + READ_WINDOW));
                List<CompletableFuture<Optional<String>>> reads = new ArrayList<>();
                for (long[] key : window) {
                    reads.add(client.get(BatchProducerMain.key(id, key[0], (int) key[1])));
                }
                for (int w = 0; w < window.size(); w++) {
                    values.get(window.get(w)[0]).add(reads.get(w).join());
                }
            }
            tally.keysRead += keys.size();
            values.forEach((batch, found) -> classify(batch, batch == next, acked.contains(batch), found, tally));
        }

        private void classify(
                long batch, boolean unsent, boolean wasAcked, List<Optional<String>> values, Tally tally) {
            int right = 0;
            List<String> wrong = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                Optional<String> value = values.get(i);
                if (value.isPresent()) {
                    if (value.get().equals(BatchProducerMain.value(id, batch, i))) {
                        right++;
                    } else {
                        wrong.add(i + "=" + value.get());
                    }
                }
            }
            String name = "batch " + batch + " of producer " + id + " (" + values.size() + " records)";
            boolean absent = right == 0 && wrong.isEmpty();
            if (unsent) {
                // Never begun, so never claimed: none of its keys may exist, whatever its size would have been.
                if (!absent) {
                    tally.broken.add(name + ", never begun: " + right + " right, wrong " + wrong);
                }
                return;
            }
            boolean whole = right == values.size() && wrong.isEmpty();
            tally.sent++;
            if (whole) {
                tally.whole++;
            } else if (absent) {
                tally.absent++;
            } else {
                tally.broken.add(name + ": " + right + " right, wrong " + wrong);
            }
            if (wasAcked) {
                tally.acked++;
                if (!whole) {
                    tally.lostAcked.add(name + ": " + right + " right, wrong " + wrong);
                }
            }
            if (holds && batch == heldBatch) {
                tally.heldAbsent = absent;
            }
        }
    }
}
