package io.concurrentkvs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.concurrentkvs.core.AsyncKvsClient;
import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.ConnectionOptions;
import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.core.KvsUnavailableException;
import io.concurrentkvs.core.internal.region.Counters;
import io.concurrentkvs.core.internal.store.WriteHook;
import io.concurrentkvs.it.CandidateModel.Op;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A server JVM dies inside a write, at each of the write's steps ({@link WriteHook.Point}): started with
 * {@code haltAt=POINT:N}, it halts the N-th time a worker reaches that step, with the segment locked and
 * the write half done. The next server adopts the store, and then every value read back is one that was
 * written for its key ({@link SelfDescribingValue}: never torn, never another key's), every acknowledged
 * write is there, the write in flight is either old or new ({@link CandidateModel}), and nothing was
 * dropped as corrupt. Two crashes per point, the second one in a store adopted from the first.
 *
 * <p>This JVM is the client: it drives sets, posts and deletes on distinct keys in windows of requests
 * until the server dies, and keeps the model of what the store may hold.
 */
class StoreCrashPointTest {
    private static final int KEYS = 128;
    private static final int WINDOW = 16;
    private static final int CRASHES = 2;
    /** Far more operations than any halt needs: a server that never halts fails the test. */
    private static final long MAX_OPS_PER_CRASH = 200_000;

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    /** Small, with room for a partly used page per segment and size class: the values span most classes. */
    private static final String[] SERVER_ARGS = {
        Args.of("workers", 2), Args.of("maxEntries", 4096), Args.of("maxDataBytes", 16L << 20)
    };

    @org.junit.jupiter.api.extension.RegisterExtension
    final ProcessFixture processes = new ProcessFixture();

    // SHIFTED is left out: a delete shifts entries only when its probe run continues, which a sparse
    // default index makes too rare to reach by a random workload in bounded time. StoreCrashConsistencyTest
    // (core) halts there deterministically, with keys chosen to share a home slot.
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = WriteHook.Point.class, names = "SHIFTED", mode = EnumSource.Mode.EXCLUDE)
    void aServerHaltedInsideAWriteLeavesOnlyWrittenValues(WriteHook.Point point) {
        long seed = Long.getLong("kvs.crash.seed", System.nanoTime());
        SplittableRandom random = new SplittableRandom(seed);
        String name =
                ProcessFixture.uniqueName("crash-" + point.name().toLowerCase().replace('_', '-'));
        long n = 20 + random.nextInt(280);
        System.out.println("crash at " + point + ", seed " + seed + ", first halt at " + n);
        // Labels name the point: the runs of this method share one log directory.
        ServerProcess server = ServerProcess.startOn(processes, name, point + "-server-0", halting(point, n));
        ConnectionOptions options =
                ConnectionOptions.builder().defaultTimeout(PATIENCE).build();
        try (KvsConnection conn = KvsConnection.connect(name, options)) {
            Driver driver = new Driver(conn.async(Codecs.string(), Codecs.string()), random);
            for (int crash = 1; crash <= CRASHES; crash++) {
                driver.runUntilTheServerDies(server);
                assertThat(server.child().findLine("HALTING point=" + point + " "))
                        .as("the halt at %s", point)
                        .isPresent();
                assertThat(server.child().awaitExit(PATIENCE))
                        .as("exit code of the halted server")
                        .isEqualTo(ServerMain.EXIT_HALTED);
                String[] next = crash < CRASHES ? halting(point, n = 20 + random.nextInt(280)) : SERVER_ARGS;
                server = ServerProcess.startOn(processes, name, point + "-server-" + crash, next);
                await("the connection to re-attach").atMost(PATIENCE).until(conn::isConnected);
                driver.verify(server.readyEntries(), point + ", crash " + crash);
                if (point == WriteHook.Point.OLD_FREED || point == WriteHook.Point.UNLINKED) {
                    // Halted with the segment's sequence odd: the successor says it repaired that write.
                    assertThat(server.child().errorLines())
                            .as("adoption report of the successor")
                            .anyMatch(l -> l.matches(".*repaired [1-9]\\d* open writes.*"));
                }
                assertThat(PublishedCounters.read(name, Counters.CORRUPT_ENTRIES))
                        .as("entries dropped as corrupt after crash %d at %s", crash, point)
                        .isZero();
            }
            System.out.printf(
                    "crash at %s: %d crashes, %d ops, %d failed in flight, %d keys verified%n",
                    point, CRASHES, driver.ops, driver.failed, driver.verified);
        }
    }

    private static String[] halting(WriteHook.Point point, long n) {
        List<String> args = new ArrayList<>(List.of(SERVER_ARGS));
        args.add(Args.of("haltAt", point + ":" + n));
        return args.toArray(String[]::new);
    }

    /** Random writes on distinct keys with self-describing values, checked against a model. Test thread only. */
    private static final class Driver {
        private final AsyncKvsClient<String, String> kvs;
        private final SplittableRandom random;
        private final CandidateModel model = new CandidateModel();
        private final int[] order = new int[KEYS];
        private long version;
        long ops;
        long failed;
        long verified;

        Driver(AsyncKvsClient<String, String> kvs, SplittableRandom random) {
            this.kvs = kvs;
            this.random = random;
            for (int i = 0; i < KEYS; i++) {
                order[i] = i;
            }
        }

        /** Sends windows of requests until one fails because the server is gone, then waits for its exit. */
        void runUntilTheServerDies(ServerProcess server) {
            long limit = ops + MAX_OPS_PER_CRASH;
            while (ops < limit) {
                if (runWindow()) {
                    server.child().awaitExit(PATIENCE);
                    return;
                }
            }
            throw new AssertionError(server.child() + " did not halt within " + MAX_OPS_PER_CRASH + " operations");
        }

        /** One window of requests on distinct keys; true if one failed because the server is unavailable. */
        private boolean runWindow() {
            List<Request> window = new ArrayList<>(WINDOW);
            for (int i = 0; i < WINDOW; i++) {
                int j = i + random.nextInt(KEYS - i);
                int k = order[j];
                order[j] = order[i];
                order[i] = k;
                window.add(send("k" + k));
            }
            boolean unavailable = false;
            for (Request r : window) {
                ops++;
                try {
                    Object answer = r.future.join();
                    assertThat(model.acknowledged(r.op, r.key, r.value, answer))
                            .as("%s %s answered %s; the model allows %s", r.op, r.key, answer, model.candidates(r.key))
                            .isTrue();
                } catch (CompletionException e) {
                    assertThat(e.getCause())
                            .as("failure of %s %s", r.op, r.key)
                            .isInstanceOf(KvsUnavailableException.class);
                    model.failed(r.op, r.key, r.value);
                    failed++;
                    unavailable = true;
                }
            }
            return unavailable;
        }

        private Request send(String key) {
            int dice = random.nextInt(100);
            if (dice < 10) {
                return new Request(Op.GET, key, "", kvs.get(key));
            }
            if (dice < 70) {
                String value = SelfDescribingValue.of(key, ++version);
                return new Request(Op.SET, key, value, kvs.set(key, value));
            }
            if (dice < 80) {
                String value = SelfDescribingValue.of(key, ++version);
                return new Request(Op.POST, key, value, kvs.post(key, value));
            }
            return new Request(Op.DEL, key, "", kvs.del(key));
        }

        /** Reads every key: each value must be one written for it and allowed by the model. */
        void verify(long adoptedEntries, String when) {
            long present = 0;
            List<String> problems = new ArrayList<>();
            for (int k = 0; k < KEYS; k++) {
                String key = "k" + k;
                Optional<String> read = kvs.get(key).join();
                String state = read.orElse(CandidateModel.ABSENT);
                if (read.isPresent()) {
                    present++;
                    if (SelfDescribingValue.versionOf(key, read.get()) < 0) {
                        problems.add(key + " holds a value never written for it: '" + read.get() + "'");
                    }
                }
                if (!model.allows(key, state)) {
                    problems.add(key + " holds '" + state + "', the model allows " + model.candidates(key));
                }
                model.acknowledged(Op.GET, key, "", read); // the read decides a key that was in flight
                verified++;
            }
            assertThat(problems).as("keys after %s", when).isEmpty();
            assertThat(adoptedEntries).as("entries adopted after %s", when).isEqualTo(present);
        }
    }

    private record Request(Op op, String key, String value, CompletableFuture<?> future) {}
}
