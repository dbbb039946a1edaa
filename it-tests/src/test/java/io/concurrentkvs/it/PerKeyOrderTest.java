package io.concurrentkvs.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.concurrentkvs.core.AsyncKvsClient;
import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.reactive.ReactiveKvsClient;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;

/**
 * Per-key order (SPEC 7.3): operations on one key that one connection issues without waiting for each
 * other take effect in the order they were issued, with any number of workers.
 *
 * <p>The test JVM is the client, through one connection; the server is a child JVM with two workers, so
 * two threads take requests from the shared ring at once. Each round issues tens to hundreds of
 * operations per key, interleaved over many keys, before waiting for any answer; then every answer and every key's
 * final value are compared with what the same operations give when applied one after another. Two
 * operations on one key that take effect out of order show as a wrong answer (the one that overtook
 * saw the store as it was before the other) or as a final value that is not the last one written.
 *
 * <p>Sets alone answer only {@code true}, so their order shows only in the final value, and only if a
 * reordering involves one of a key's last writes. The set tests therefore run many short rounds, each
 * checked, rather than a few long ones. Values are padded to {@link #VALUE_BYTES}: on a 2-core machine,
 * where a reordering was possible, that made it several times more frequent than short values did.
 */
class PerKeyOrderTest {
    private static final int WORKERS = 2;
    private static final int KEYS = 50;
    private static final int SETS_PER_KEY = 40;
    private static final int SET_ROUNDS = 250;
    private static final int OPS_PER_KEY = 200;
    private static final int MIXED_ROUNDS = 20;
    /** Every value's length: its tag (round, key, position) then padding. */
    private static final int VALUE_BYTES = 2000;
    /** Generous: thousands of requests wait behind the connection's response slots on a loaded 2-core machine. */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);
    /** A failure message lists at most this many wrong answers. */
    private static final int SHOWN = 20;

    @RegisterExtension
    final ProcessFixture processes = new ProcessFixture();

    private KvsConnection connection;
    private AsyncKvsClient<String, String> async;

    @BeforeEach
    void startServerAndConnect() {
        ServerProcess server = ServerProcess.start(processes, "order", Args.of("workers", WORKERS));
        connection = KvsConnection.connect(server.name());
        async = connection.async(Codecs.string(), Codecs.string());
    }

    @AfterEach
    void disconnect() {
        if (connection != null) {
            connection.close();
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void pipelinedWritesToOneKeyTakeEffectInTheOrderTheyWereIssued() {
        System.out.printf(
                "per-key order, pipelined sets: %d keys x %d sets x %d rounds, %d-byte values, %d workers%n",
                KEYS, SETS_PER_KEY, SET_ROUNDS, VALUE_BYTES, WORKERS);
        for (int round = 0; round < SET_ROUNDS; round++) {
            List<CompletableFuture<Boolean>> acks = new ArrayList<>(KEYS * SETS_PER_KEY);
            for (int seq = 0; seq < SETS_PER_KEY; seq++) {
                for (int k = 0; k < KEYS; k++) {
                    acks.add(async.set(key(k), value(round, k, seq), ANSWER_TIMEOUT));
                }
            }
            assertThat(joinAll(acks)).as("answers to round %d's sets", round).containsOnly(true);
            assertEveryKeyHoldsTheLastValueWritten(round, "pipelined sets");
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void writesStreamedThroughSetAllToOneKeyTakeEffectInTheOrderTheyWereIssued() {
        ReactiveKvsClient<String, String> reactive =
                ReactiveKvsClient.create(connection, Codecs.string(), Codecs.string());
        System.out.printf(
                "per-key order, setAll: %d keys x %d sets x %d rounds, %d-byte values, window %d, %d workers%n",
                KEYS, SETS_PER_KEY, SET_ROUNDS, VALUE_BYTES, reactive.options().batchWindow(), WORKERS);
        for (int round = 0; round < SET_ROUNDS; round++) {
            int r = round;
            Flux<Map.Entry<String, String>> entries = Flux.range(0, KEYS * SETS_PER_KEY)
                    .map(i -> new AbstractMap.SimpleImmutableEntry<>(key(i % KEYS), value(r, i % KEYS, i / KEYS)));
            List<Boolean> acks = reactive.setAll(entries).collectList().block(ANSWER_TIMEOUT);
            assertThat(acks)
                    .as("answers to round %d's sets", round)
                    .hasSize(KEYS * SETS_PER_KEY)
                    .containsOnly(true);
            assertEveryKeyHoldsTheLastValueWritten(round, "setAll");
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aMixedSequencePerKeyGivesTheSequentialAnswers() {
        long seed = Long.getLong("kvs.it.order.seed", System.nanoTime());
        System.out.printf(
                "per-key order, mixed set/post/del/get: %d keys x %d ops x %d rounds, %d-byte values,"
                        + " %d workers, seed %d (-Dkvs.it.order.seed=%d repeats the operations, not their timing)%n",
                KEYS, OPS_PER_KEY, MIXED_ROUNDS, VALUE_BYTES, WORKERS, seed, seed);
        SplittableRandom random = new SplittableRandom(seed);
        // The sequential model: what the store holds if every operation takes effect in issue order.
        Map<String, String> model = new HashMap<>();
        for (int round = 0; round < MIXED_ROUNDS; round++) {
            List<Op> ops = mixedRound(round, random, model);
            List<CompletableFuture<?>> answers = new ArrayList<>(ops.size());
            for (Op op : ops) {
                answers.add(op.issue(async));
            }
            joinAll(answers);
            List<String> wrong = new ArrayList<>();
            int wrongCount = 0;
            for (int i = 0; i < ops.size(); i++) {
                Object answer = answers.get(i).join();
                if (!Objects.equals(answer, ops.get(i).expected()) && wrongCount++ < SHOWN) {
                    wrong.add(ops.get(i) + " answered " + shown(answer));
                }
            }
            assertThat(wrong)
                    .as(
                            "round %d (seed %d): %d of %d answers differ from the sequential model's; the first"
                                    + " ones",
                            round, seed, wrongCount, ops.size())
                    .isEmpty();
            for (int k = 0; k < KEYS; k++) {
                Optional<String> expected = Optional.ofNullable(model.get(key(k)));
                Optional<String> held = async.get(key(k), ANSWER_TIMEOUT).join();
                if (!held.equals(expected)) {
                    wrong.add(key(k) + " holds " + shown(held) + " instead of " + shown(expected));
                }
            }
            assertThat(wrong)
                    .as("round %d (seed %d): keys whose final value differs from the sequential model's", round, seed)
                    .isEmpty();
        }
    }

    /**
     * One round of the mixed test: {@link #OPS_PER_KEY} operations per key, the keys interleaved in a
     * random order (so that two operations on one key are sometimes adjacent in the ring, sometimes far
     * apart), each with the answer it has when all are applied to {@code model} in that order, which
     * this method does.
     */
    private static List<Op> mixedRound(int round, SplittableRandom random, Map<String, String> model) {
        int[] keyOfOp = new int[KEYS * OPS_PER_KEY];
        for (int i = 0; i < keyOfOp.length; i++) {
            keyOfOp[i] = i % KEYS;
        }
        for (int i = keyOfOp.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = keyOfOp[i];
            keyOfOp[i] = keyOfOp[j];
            keyOfOp[j] = swap;
        }
        int[] opsOfKey = new int[KEYS];
        List<Op> ops = new ArrayList<>(keyOfOp.length);
        for (int i = 0; i < keyOfOp.length; i++) {
            int k = keyOfOp[i];
            String key = key(k);
            String value = value(round, k, opsOfKey[k]);
            int pick = random.nextInt(10);
            Op op;
            if (pick < 3) {
                op = new Op(Kind.SET, key, opsOfKey[k], value, true);
                model.put(key, value);
            } else if (pick < 5) {
                op = new Op(Kind.POST, key, opsOfKey[k], value, !model.containsKey(key));
                model.putIfAbsent(key, value);
            } else if (pick < 7) {
                op = new Op(Kind.DEL, key, opsOfKey[k], null, model.remove(key) != null);
            } else {
                op = new Op(Kind.GET, key, opsOfKey[k], null, Optional.ofNullable(model.get(key)));
            }
            ops.add(op);
            opsOfKey[k]++;
        }
        return ops;
    }

    /** Reads every key and fails, naming each, unless it holds the value written last in {@code round}. */
    private void assertEveryKeyHoldsTheLastValueWritten(int round, String how) {
        List<String> wrong = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            Optional<String> last = Optional.of(value(round, k, SETS_PER_KEY - 1));
            Optional<String> held = async.get(key(k), ANSWER_TIMEOUT).join();
            if (!held.equals(last)) {
                wrong.add(key(k) + " holds " + shown(held) + " instead of " + shown(last));
            }
        }
        assertThat(wrong)
                .as(
                        "round %d: keys whose value after %d %s per key is not the last one written",
                        round, SETS_PER_KEY, how)
                .isEmpty();
    }

    /** Waits for every future (each has its own timeout) and returns their answers in order. */
    private static <T> List<T> joinAll(List<? extends CompletableFuture<? extends T>> futures) {
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        List<T> answers = new ArrayList<>(futures.size());
        futures.forEach(f -> answers.add(f.join()));
        return answers;
    }

    private static String key(int k) {
        return "k" + k;
    }

    /**
     * A value unique to the round, key and position in the key's sequence, so any stale value is
     * recognised: its tag {@code r<round>:k<key>:<seq>}, then {@code |} and padding to {@link #VALUE_BYTES}.
     */
    private static String value(int round, int k, int seq) {
        StringBuilder value = new StringBuilder(VALUE_BYTES)
                .append('r')
                .append(round)
                .append(":k")
                .append(k)
                .append(':')
                .append(seq)
                .append('|');
        while (value.length() < VALUE_BYTES) {
            value.append('.');
        }
        return value.toString();
    }

    /** An answer for a message: an {@code Optional} value shown by its tag alone, without the padding. */
    private static String shown(Object answer) {
        if (answer instanceof Optional<?> optional) {
            return optional.map(v -> "Optional[" + tag(v.toString()) + "]").orElse("Optional.empty");
        }
        return String.valueOf(answer);
    }

    private static String tag(String value) {
        int end = value.indexOf('|');
        return end < 0 ? value : value.substring(0, end);
    }

    private enum Kind {
        SET,
        POST,
        DEL,
        GET
    }

    /**
     * One planned operation of the mixed test.
     *
     * @param seq the operation's position among its key's operations
     * @param value the value to set or post; null for del and get
     * @param expected the sequential model's answer: a {@code Boolean}, or an {@code Optional<String>} for get
     */
    private record Op(Kind kind, String key, int seq, String value, Object expected) {
        CompletableFuture<?> issue(AsyncKvsClient<String, String> async) {
            return switch (kind) {
                case SET -> async.set(key, value, ANSWER_TIMEOUT);
                case POST -> async.post(key, value, ANSWER_TIMEOUT);
                case DEL -> async.del(key, ANSWER_TIMEOUT);
                case GET -> async.get(key, ANSWER_TIMEOUT);
            };
        }

        @Override
        public String toString() {
            return kind + " " + key + (value == null ? "" : "=" + tag(value)) + " (its #" + seq + ") expected "
                    + shown(expected) + ",";
        }
    }
}
