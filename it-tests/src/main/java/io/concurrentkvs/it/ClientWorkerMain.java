package io.concurrentkvs.it;

import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.ConnectionOptions;
import io.concurrentkvs.core.KvsConnection;
import java.time.Duration;

/**
 * A client process that runs a {@link ModelWorkload} against a store and reports whether every answer
 * matched its model.
 *
 * <p>Arguments: {@code name}, {@code client} (id, selects the key space), {@code ops}, {@code window}
 * (futures in flight per batch), {@code keys}, {@code seed}, {@code timeoutMs} (per request, generous
 * by default because the test machine is shared). Prints {@code READY pid=<pid>} once connected, waits
 * for {@code go} so that all clients of a test run at the same time, then prints the workload's
 * {@code RESULT ...} line, one {@code PROBLEM ...} line per reported mismatch, and exits.
 */
public final class ClientWorkerMain {
    private ClientWorkerMain() {}

    public static void main(String[] argv) throws InterruptedException {
        Args args = Args.parse(argv);
        int client = args.integer("client", 0);
        ConnectionOptions options = ConnectionOptions.builder()
                .defaultTimeout(Duration.ofMillis(args.integer("timeoutMs", 30_000)))
                .build();
        try (KvsConnection conn = KvsConnection.connect(args.string("name"), options)) {
            ModelWorkload workload = new ModelWorkload(
                    conn.async(Codecs.string(), Codecs.string()),
                    client,
                    args.integer("keys", 256),
                    args.integer("window", 64),
                    args.longValue("seed", client));
            Stdin stdin = Stdin.start();
            Stdin.report("READY pid=" + ProcessHandle.current().pid());
            stdin.awaitCommand("go");
            long start = System.nanoTime();
            workload.run(args.longValue("ops", 10_000));
            workload.problems().forEach(p -> Stdin.report("PROBLEM " + p));
            Stdin.report(workload.summary() + " elapsedMs=" + (System.nanoTime() - start) / 1_000_000);
        }
        System.exit(0);
    }
}
