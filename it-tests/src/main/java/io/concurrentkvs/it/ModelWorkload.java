package io.concurrentkvs.it;

import io.concurrentkvs.blocking.KvsClient;
import io.concurrentkvs.core.AsyncKvsClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A random GET/SET/POST/DEL workload over one client's own keys, checked answer by answer against an
 * in-memory model of what the store must hold.
 *
 * <p>Requests go out in batches of up to {@code window} futures on distinct keys, so every answer is
 * determined by the model even though the batch is in flight at once. Values name their client and key
 * ({@code c<client>:k<key>:v<version>...}), so an answer meant for another client, or for another key,
 * can never match by accident. Single-threaded.
 */
public final class ModelWorkload {
    private static final int MAX_REPORTED_PROBLEMS = 20;

    private final AsyncKvsClient<String, String> kvs;
    private final int client;
    private final int keys;
    private final int window;
    private final SplittableRandom random;
    private final Map<String, String> model = new HashMap<>();
    private final int[] order;
    private final List<String> problems = new ArrayList<>();
    private long version;
    private long ops;
    private long mismatches;
    private long errors;
    private long foreign;

    public ModelWorkload(AsyncKvsClient<String, String> kvs, int client, int keys, int window, long seed) {
        this.kvs = kvs;
        this.client = client;
        this.keys = keys;
        this.window = Math.min(window, keys);
        this.random = new SplittableRandom(seed);
        this.order = new int[keys];
        for (int i = 0; i < keys; i++) {
            order[i] = i;
        }
    }

    /** Runs {@code totalOps} random operations, then reads back every key with the blocking client. */
    public void run(long totalOps) {
        while (ops < totalOps) {
            runBatch((int) Math.min(window, totalOps - ops));
        }
        verifyFinalState();
    }

    private void runBatch(int size) {
        List<Check> batch = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            // Partial Fisher-Yates: the batch's keys are distinct.
            int j = i + random.nextInt(keys - i);
            int k = order[j];
            order[j] = order[i];
            order[i] = k;
            batch.add(submitRandom(key(k)));
        }
        batch.forEach(this::verify);
    }

    private Check submitRandom(String key) {
        int dice = random.nextInt(100);
        String current = model.get(key);
        if (dice < 40) {
            return new Check("GET", key, Optional.ofNullable(current), kvs.get(key));
        }
        if (dice < 65) {
            String value = nextValue(key);
            model.put(key, value);
            return new Check("SET", key, true, kvs.set(key, value));
        }
        if (dice < 85) {
            String value = nextValue(key);
            if (current == null) {
                model.put(key, value);
            }
            return new Check("POST", key, current == null, kvs.post(key, value));
        }
        model.remove(key);
        return new Check("DEL", key, current != null, kvs.del(key));
    }

    private String nextValue(String key) {
        if (random.nextInt(50) == 0) {
            return ""; // an empty value is a value, distinct from an absent key
        }
        String value = key + ":v" + (++version) + ":";
        return value + "x".repeat(random.nextInt(64));
    }

    private String key(int k) {
        return "c" + client + ":k" + k;
    }

    private void verify(Check check) {
        ops++;
        Object actual;
        try {
            actual = check.future.join();
        } catch (CompletionException e) {
            errors++;
            problem(check + " failed: " + e.getCause());
            return;
        }
        if (!Objects.equals(check.expected, actual)) {
            mismatches++;
            if (actual instanceof Optional<?>
                    && ((Optional<?>) actual).map(v -> isForeign((String) v)).orElse(false)) {
                foreign++;
            }
            problem(check + " answered " + actual);
        }
    }

    private boolean isForeign(String value) {
        return !value.isEmpty() && !value.startsWith("c" + client + ":");
    }

    private void verifyFinalState() {
        KvsClient<String, String> sync = KvsClient.of(kvs.connection(), kvs.keyCodec(), kvs.valueCodec());
        for (int k = 0; k < keys; k++) {
            String key = key(k);
            verify(new Check(
                    "final GET",
                    key,
                    Optional.ofNullable(model.get(key)),
                    CompletableFuture.completedFuture(sync.get(key))));
        }
    }

    private void problem(String description) {
        if (problems.size() < MAX_REPORTED_PROBLEMS) {
            problems.add(description);
        }
    }

    /** One line for the test to parse: {@code RESULT client=.. ops=.. mismatches=.. errors=.. foreign=..}. */
    public String summary() {
        return "RESULT client=" + client + " ops=" + ops + " mismatches=" + mismatches + " errors=" + errors
                + " foreign=" + foreign + " keysPresent=" + model.size();
    }

    /** The first few mismatches and errors, for the log. */
    public List<String> problems() {
        return problems;
    }

    private record Check(String op, String key, Object expected, CompletableFuture<?> future) {
        @Override
        public String toString() {
            return op + " " + key + " (expected " + expected + ")";
        }
    }
}
