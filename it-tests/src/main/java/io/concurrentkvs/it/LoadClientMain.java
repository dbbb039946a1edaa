package io.concurrentkvs.it;

import io.concurrentkvs.core.AsyncKvsClient;
import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.ConnectionOptions;
import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.core.KvsTimeoutException;
import io.concurrentkvs.core.KvsUnavailableException;
import io.concurrentkvs.it.CandidateModel.Op;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A client process that keeps a store busy until told to stop, checking every answer against a
 * {@link CandidateModel} of its own keys ({@code c<client>:k<i>}), and tolerating failures: the failure
 * tests kill it, or stop, kill and restart its server, under load.
 *
 * <p>Arguments: {@code name}, {@code client} (instance id; also the key prefix, so instances never share
 * keys), {@code keys}, {@code window} (requests in flight, on distinct keys), {@code seed},
 * {@code timeoutMs} (per request), {@code journal} (optional file: see {@link Journal}),
 * {@code batchesPerSecond} (0, the default, for as fast as possible; a journaled soak uses a rate so that
 * its journals stay small), {@code reads} (percentage of GETs, 35 by default; the rest is SET, POST and
 * DEL in the ratio 30:17:18), {@code pauseOnUnavailable} ({@code true}: see below).
 *
 * <p>Protocol: prints {@code READY pid=<pid>}, waits for {@code go}, then runs batches until
 * {@code stop} (or the end of input), printing at most every 100 ms
 * {@code PROGRESS ops=.. acked=.. unavailable=.. timeouts=.. otherErrors=.. mismatches=..}. With
 * {@code pauseOnUnavailable}, the first batch in which a request fails with {@link KvsUnavailableException}
 * (the server died or stopped) is settled and journaled, then the client prints {@code PAUSED n=<pause
 * number> ops=..} and sends nothing until {@code resume}; it then waits until its connection is attached to
 * a server again, and pauses again only after it has had an answer since. So a test that replaces the
 * server between a pause and its resume sees the store exactly as the requests that were in flight at the
 * server's end left it, with every journal complete. On
 * {@code stop} it reads every one of its keys back (a final check against the model), prints
 * {@code PROBLEM ...} lines for the first few mismatches or unexpected errors and
 * {@code RESULT client=.. ops=.. acked=.. unavailable=.. timeouts=.. otherErrors=.. mismatches=..
 * finalChecked=..}, and exits with code 0.
 */
public final class LoadClientMain {
    private static final long PROGRESS_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Back-off after a batch that failed entirely: a real application would not spin on a dead server either. */
    private static final long DOWN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private static final int MAX_PROBLEMS = 20;

    private final AsyncKvsClient<String, String> kvs;
    private final int client;
    private final int keys;
    private final int window;
    private final SplittableRandom random;
    private final Journal journal;
    private final CandidateModel model = new CandidateModel();
    private final int[] order;
    private final int readPercent;
    private final boolean pauseOnUnavailable;
    private final List<String> problems = new ArrayList<>();
    /** Pauses only after an answer since the last resume: a request sent before re-attaching fails too. */
    private boolean armed = true;

    private long pauses;
    private long version;
    private long ops;
    private long acked;
    private long unavailable;
    private long timeouts;
    private long otherErrors;
    private long mismatches;

    private LoadClientMain(AsyncKvsClient<String, String> kvs, Args args, Journal journal) {
        this.kvs = kvs;
        this.client = args.integer("client", 0);
        this.keys = args.integer("keys", 64);
        this.window = Math.min(args.integer("window", 16), keys);
        this.random = new SplittableRandom(args.longValue("seed", client));
        this.journal = journal;
        this.readPercent = args.integer("reads", 35);
        this.pauseOnUnavailable = Boolean.parseBoolean(args.string("pauseOnUnavailable", "false"));
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
        String journalPath = args.string("journal", "");
        try (KvsConnection conn = KvsConnection.connect(args.string("name"), options);
                Journal journal = journalPath.isEmpty() ? null : new Journal(Path.of(journalPath))) {
            LoadClientMain main = new LoadClientMain(conn.async(Codecs.string(), Codecs.string()), args, journal);
            Stdin stdin = Stdin.start();
            Stdin.report("READY pid=" + ProcessHandle.current().pid());
            stdin.awaitCommand("go");
            main.runUntilStopped(stdin, args.integer("batchesPerSecond", 0));
            long finalChecked = main.finalCheck();
            main.problems.forEach(p -> Stdin.report("PROBLEM " + p));
            Stdin.report("RESULT client=" + main.client + " " + main.counts() + " finalChecked=" + finalChecked);
        }
        System.exit(0);
    }

    private void runUntilStopped(Stdin stdin, int batchesPerSecond) {
        long batchInterval = batchesPerSecond > 0 ? TimeUnit.SECONDS.toNanos(1) / batchesPerSecond : 0;
        long nextBatch = System.nanoTime();
        long nextProgress = nextBatch;
        String reported = "";
        while (true) {
            String command = stdin.poll();
            if ("stop".equals(command) || Stdin.EOF.equals(command)) {
                return;
            }
            long failuresBefore = failures();
            long unavailableBefore = unavailable;
            long ackedBefore = acked;
            int size = window;
            runBatch(size);
            if (acked > ackedBefore) {
                armed = true;
            }
            if (pauseOnUnavailable && armed && unavailable > unavailableBefore) {
                if (!pause(stdin)) {
                    return;
                }
                continue;
            }
            long now = System.nanoTime();
            if (now - nextProgress >= 0) {
                String counts = counts();
                if (!counts.equals(reported)) {
                    Stdin.report("PROGRESS " + counts);
                    reported = counts;
                }
                nextProgress = now + PROGRESS_INTERVAL_NANOS;
            }
            if (failures() - failuresBefore == size) {
                LockSupport.parkNanos(DOWN_BACKOFF_NANOS);
            }
            if (batchInterval > 0) {
                // Pacing: a rate, not a schedule; a batch that ran late is not made up for by a burst.
                nextBatch = Math.max(nextBatch + batchInterval, System.nanoTime() - batchInterval);
                LockSupport.parkNanos(nextBatch - System.nanoTime());
            }
        }
    }

    /** Waits for {@code resume}, then for the connection; false if told to stop instead. */
    private boolean pause(Stdin stdin) {
        armed = false;
        Stdin.report("PAUSED n=" + (++pauses) + " " + counts());
        String command;
        try {
            while (!(command = stdin.next()).equals("resume")) {
                if (command.equals("stop") || command.equals(Stdin.EOF)) {
                    return false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        // The poller re-attaches by itself; until it has, every request would fail fast and widen the model.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!kvs.connection().isConnected() && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        Stdin.report("RESUMED n=" + pauses + " connected=" + kvs.connection().isConnected());
        return true;
    }

    private long failures() {
        return unavailable + timeouts + otherErrors;
    }

    private String counts() {
        return "ops=" + ops + " acked=" + acked + " unavailable=" + unavailable + " timeouts=" + timeouts
                + " otherErrors=" + otherErrors + " mismatches=" + mismatches;
    }

    private void runBatch(int size) {
        List<Request> batch = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            // Partial Fisher-Yates: the keys of one batch are distinct, so each key has one request in flight.
            int j = i + random.nextInt(keys - i);
            int k = order[j];
            order[j] = order[i];
            order[i] = k;
            batch.add(randomRequest("c" + client + ":k" + k));
        }
        if (journal != null) {
            batch.forEach(r -> journal.intent(r.op, r.key, r.value));
            journal.flush();
        }
        batch.forEach(Request::send);
        batch.forEach(this::settle);
        if (journal != null) {
            journal.flush();
        }
    }

    private Request randomRequest(String key) {
        int dice = random.nextInt(100);
        Op op;
        if (dice < readPercent) {
            op = Op.GET;
        } else {
            // The rest scaled to SET : POST : DEL = 30 : 17 : 18 (with the default 35% reads, dice - 35 itself).
            int write = (dice - readPercent) * 65 / (100 - readPercent);
            op = write < 30 ? Op.SET : write < 47 ? Op.POST : Op.DEL;
        }
        String value = "";
        if (op == Op.SET || op == Op.POST) {
            // Values name their key and are unique, so a misrouted or stale answer cannot match by chance.
            value = random.nextInt(50) == 0 ? "" : key + ":v" + (++version) + ":" + "x".repeat(random.nextInt(48));
        }
        return new Request(op, key, value);
    }

    private void settle(Request r) {
        ops++;
        Object answer;
        try {
            answer = r.future.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof KvsUnavailableException) {
                unavailable++;
            } else if (cause instanceof KvsTimeoutException) {
                timeouts++;
                problem(r + " timed out: " + cause.getMessage());
            } else {
                otherErrors++;
                problem(r + " failed: " + cause);
            }
            model.failed(r.op, r.key, r.value);
            if (journal != null) {
                journal.failed(r.op, r.key, r.value);
            }
            return;
        }
        acked++;
        if (!model.acknowledged(r.op, r.key, r.value, answer)) {
            mismatches++;
            problem(r + " answered " + answer);
        }
        if (journal != null) {
            journal.acknowledged(r.op, r.key, r.value, answer);
        }
    }

    /** Reads every key back and checks it against the model; returns how many keys were checked. */
    private long finalCheck() {
        List<Request> reads = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            reads.add(new Request(Op.GET, "c" + client + ":k" + k, ""));
        }
        reads.forEach(Request::send);
        reads.forEach(this::settle);
        return reads.size();
    }

    private void problem(String description) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(description + " (model allowed "
                    + model.candidates(description.split(" ")[1]) + ")");
        }
    }

    /** One request and its future; sent after its intent is journaled. */
    private final class Request {
        final Op op;
        final String key;
        final String value;
        CompletableFuture<?> future;

        Request(Op op, String key, String value) {
            this.op = op;
            this.key = key;
            this.value = value;
        }

        void send() {
            try {
                future = switch (op) {
                    case GET -> kvs.get(key);
                    case SET -> kvs.set(key, value);
                    case POST -> kvs.post(key, value);
                    case DEL -> kvs.del(key);
                };
            } catch (RuntimeException e) {
                // Calls report failures through the future; this covers a synchronous refusal too.
                future = CompletableFuture.failedFuture(e);
            }
        }

        @Override
        public String toString() {
            return op + " " + key + " value '" + value + "'";
        }
    }
}
