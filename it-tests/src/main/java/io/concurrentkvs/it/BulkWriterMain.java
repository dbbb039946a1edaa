package io.concurrentkvs.it;

import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.ConnectionOptions;
import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.reactive.ReactiveKvsClient;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.Map;
import reactor.core.publisher.Flux;

/**
 * Writes {@code count} entries through one {@link ReactiveKvsClient#setAll} stream whose entries are
 * generated lazily, so only the bounded window of requests, not the stream, can occupy this JVM's heap.
 *
 * <p>Arguments: {@code name}, {@code count}, {@code window}. Prints {@code READY}, waits for {@code go},
 * then prints {@code DONE acknowledged=<n> failed=<n> peakHeapBytes=<n>}, where the peak is the sum of
 * the heap pools' peak usage (run it with a small {@code -Xmx}: a stream buffered whole would not fit).
 */
public final class BulkWriterMain {
    private BulkWriterMain() {}

    /** The value every test process derives for entry {@code i}. */
    public static String value(long i) {
        return "value-of-" + i;
    }

    /** The key of entry {@code i}. */
    public static String key(long i) {
        return "b" + i;
    }

    public static void main(String[] argv) throws InterruptedException {
        Args args = Args.parse(argv);
        int count = args.integer("count", 1_000_000);
        int window = args.integer("window", 256);
        ConnectionOptions options = ConnectionOptions.builder()
                .defaultTimeout(Duration.ofSeconds(30))
                .build();
        try (KvsConnection conn = KvsConnection.connect(args.string("name"), options)) {
            ReactiveKvsClient<String, String> client = ReactiveKvsClient.create(conn, Codecs.string(), Codecs.string());
            Stdin stdin = Stdin.start();
            Stdin.report("READY pid=" + ProcessHandle.current().pid());
            stdin.awaitCommand("go");
            Flux<Map.Entry<String, String>> entries = Flux.range(0, count).map(i -> Map.entry(key(i), value(i)));
            long[] tally = new long[2];
            client.setAll(entries, window)
                    .doOnNext(acknowledged -> tally[acknowledged ? 0 : 1]++)
                    .blockLast(Duration.ofMinutes(5));
            Stdin.report("DONE acknowledged=" + tally[0] + " failed=" + tally[1] + " peakHeapBytes=" + peakHeap());
        }
        System.exit(0);
    }

    private static long peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }
}
