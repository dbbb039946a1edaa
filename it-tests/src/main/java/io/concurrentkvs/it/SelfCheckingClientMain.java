package io.concurrentkvs.it;

import io.concurrentkvs.core.AsyncKvsClient;
import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.ConnectionOptions;
import io.concurrentkvs.core.KvsCapacityException;
import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.core.KvsTimeoutException;
import io.concurrentkvs.core.KvsUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * A client process for a store that cannot be trusted to hold what was written (a hostile process writes
 * into it): it writes {@link SelfDescribingValue}s to its own keys ({@code c<client>:k<i>}) and checks that
 * every value it reads is one that was written for that key. A read may find a key absent, or an older
 * value, when the store lost or refused a damaged entry; it must never return a value that was never
 * written for the key, which is what this counts.
 *
 * <p>"Written" means: a version this process sent for that key, or any valid version up to
 * {@code acceptUpTo} (written by an earlier process of the same client id, which this one cannot know
 * exactly; a forged value would still need its key and CRC to match).
 *
 * <p>Arguments: {@code name}, {@code client}, {@code keys}, {@code window} (requests in flight, on distinct
 * keys), {@code seed}, {@code timeoutMs}, {@code versionFrom} (first version to write is one more),
 * {@code acceptUpTo}. Protocol: prints {@code READY pid=<pid>}, waits for {@code go}, reads every key once,
 * then runs GET/SET/DEL windows until {@code stop} (or the end of input), printing at most every 100 ms
 * {@code PROGRESS ops=.. reads=.. found=.. invalid=.. unwritten=.. capacity=.. timeouts=.. unavailable=..
 * otherErrors=..}; on {@code stop} it reads every key once more, prints {@code PROBLEM} lines for the first
 * few bad values and the final {@code RESULT ... version=<last version written>}, and exits.
 */
public final class SelfCheckingClientMain {
    private static final long PROGRESS_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int MAX_PROBLEMS = 20;

    private final AsyncKvsClient<String, String> kvs;
    private final int client;
    private final int keys;
    private final int window;
    private final long acceptUpTo;
    private final SplittableRandom random;
    private final Map<String, Set<Long>> written = new HashMap<>();
    private final int[] order;
    private final List<String> problems = new ArrayList<>();
    private long version;
    private long ops;
    private long reads;
    private long found;
    private long invalid;
    private long unwritten;
    private long capacity;
    private long timeouts;
    private long unavailable;
    private long otherErrors;

    private SelfCheckingClientMain(AsyncKvsClient<String, String> kvs, Args args) {
        this.kvs = kvs;
        this.client = args.integer("client", 0);
        this.keys = args.integer("keys", 256);
        this.window = Math.min(args.integer("window", 16), keys);
        this.version = args.longValue("versionFrom", 0);
        this.acceptUpTo = args.longValue("acceptUpTo", 0);
        this.random = new SplittableRandom(args.longValue("seed", client));
        this.order = new int[keys];
        for (int i = 0; i < keys; i++) {
            order[i] = i;
        }
    }

    public static void main(String[] argv) throws InterruptedException {
        Args args = Args.parse(argv);
        ConnectionOptions options = ConnectionOptions.builder()
                .defaultTimeout(Duration.ofMillis(args.integer("timeoutMs", 30_000)))
                .build();
        try (KvsConnection conn = KvsConnection.connect(args.string("name"), options)) {
            SelfCheckingClientMain main =
                    new SelfCheckingClientMain(conn.async(Codecs.string(), Codecs.string()), args);
            Stdin stdin = Stdin.start();
            Stdin.report("READY pid=" + ProcessHandle.current().pid());
            stdin.awaitCommand("go");
            main.readAll();
            main.runUntilStopped(stdin);
            main.readAll();
            main.problems.forEach(p -> Stdin.report("PROBLEM " + p));
            Stdin.report("RESULT client=" + main.client + " " + main.counts() + " version=" + main.version);
        }
        System.exit(0);
    }

    private void runUntilStopped(Stdin stdin) {
        long nextProgress = System.nanoTime();
        String reported = "";
        while (true) {
            String command = stdin.poll();
            if ("stop".equals(command) || Stdin.EOF.equals(command)) {
                return;
            }
            List<Request> batch = new ArrayList<>(window);
            for (int i = 0; i < window; i++) {
                int j = i + random.nextInt(keys - i);
                int k = order[j];
                order[j] = order[i];
                order[i] = k;
                batch.add(randomRequest(key(k)));
            }
            batch.forEach(this::settle);
            long now = System.nanoTime();
            if (now - nextProgress >= 0) {
                String counts = counts();
                if (!counts.equals(reported)) {
                    Stdin.report("PROGRESS " + counts);
                    reported = counts;
                }
                nextProgress = now + PROGRESS_INTERVAL_NANOS;
            }
        }
    }

    private void readAll() {
        List<Request> batch = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            batch.add(new Request("GET", key(k), kvs.get(key(k))));
            if (batch.size() == window) {
                batch.forEach(this::settle);
                batch.clear();
            }
        }
        batch.forEach(this::settle);
    }

    private String key(int k) {
        return "c" + client + ":k" + k;
    }

    private Request randomRequest(String key) {
        int dice = random.nextInt(100);
        if (dice < 40) {
            return new Request("GET", key, kvs.get(key));
        }
        if (dice < 80) {
            long v = ++version;
            written.computeIfAbsent(key, x -> new HashSet<>()).add(v);
            return new Request("SET", key, kvs.set(key, SelfDescribingValue.of(key, v)));
        }
        return new Request("DEL", key, kvs.del(key));
    }

    private void settle(Request r) {
        ops++;
        Object answer;
        try {
            answer = r.future.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof KvsCapacityException) {
                capacity++; // the store's index may be full of garbage words
            } else if (cause instanceof KvsTimeoutException) {
                timeouts++;
                problem(r.op + " " + r.key + " timed out");
            } else if (cause instanceof KvsUnavailableException) {
                unavailable++;
            } else {
                otherErrors++;
                problem(r.op + " " + r.key + " failed: " + cause);
            }
            return;
        }
        if (!r.op.equals("GET")) {
            return;
        }
        reads++;
        Optional<?> value = (Optional<?>) answer;
        if (value.isEmpty()) {
            return;
        }
        found++;
        String text = (String) value.get();
        long v = SelfDescribingValue.versionOf(r.key, text);
        if (v < 0) {
            invalid++;
            problem(r.key + " returned a value that is not one of its values: '" + text + "'");
        } else if (v > acceptUpTo && !written.getOrDefault(r.key, Set.of()).contains(v)) {
            unwritten++;
            problem(r.key + " returned version " + v + ", which was never written for it");
        }
    }

    private void problem(String description) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(description);
        }
    }

    private String counts() {
        return "ops=" + ops + " reads=" + reads + " found=" + found + " invalid=" + invalid + " unwritten="
                + unwritten + " capacity=" + capacity + " timeouts=" + timeouts + " unavailable=" + unavailable
                + " otherErrors=" + otherErrors;
    }

    private record Request(String op, String key, CompletableFuture<?> future) {}
}
