package io.concurrentkvs.it;

import io.concurrentkvs.core.AsyncKvsClient;
import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.ConnectionOptions;
import io.concurrentkvs.core.KvsConnection;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Reads random keys of a {@link BulkWriterMain} load while it runs and checks every value found is the
 * one the writer stores for that key (a key not written yet is simply absent).
 *
 * <p>Arguments: {@code name}, {@code count}, {@code seed}. Prints {@code READY}, reads from {@code go}
 * until {@code stop}, then prints {@code READS reads=<n> found=<n> wrong=<n> errors=<n>}.
 */
public final class BulkReaderMain {
    private BulkReaderMain() {}

    public static void main(String[] argv) throws InterruptedException {
        Args args = Args.parse(argv);
        int count = args.integer("count", 1_000_000);
        SplittableRandom random = new SplittableRandom(args.longValue("seed", 1));
        ConnectionOptions options = ConnectionOptions.builder()
                .defaultTimeout(Duration.ofSeconds(30))
                .build();
        try (KvsConnection conn = KvsConnection.connect(args.string("name"), options)) {
            AsyncKvsClient<String, String> client = conn.async(Codecs.string(), Codecs.string());
            Stdin stdin = Stdin.start();
            Stdin.report("READY pid=" + ProcessHandle.current().pid());
            stdin.awaitCommand("go");
            long reads = 0;
            long found = 0;
            long wrong = 0;
            long errors = 0;
            while (true) {
                String command = stdin.poll();
                if ("stop".equals(command) || Stdin.EOF.equals(command)) {
                    break;
                }
                int i = random.nextInt(count);
                try {
                    Optional<String> value = client.get(BulkWriterMain.key(i)).join();
                    if (value.isPresent()) {
                        found++;
                        if (!value.get().equals(BulkWriterMain.value(i))) {
                            wrong++;
                            Stdin.report("PROBLEM key " + BulkWriterMain.key(i) + " has " + value.get());
                        }
                    }
                } catch (RuntimeException e) {
                    errors++;
                    Stdin.report("PROBLEM " + e);
                }
                reads++;
            }
            Stdin.report("READS reads=" + reads + " found=" + found + " wrong=" + wrong + " errors=" + errors);
        }
        System.exit(0);
    }
}
