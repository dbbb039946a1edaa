package io.concurrentkvs.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.concurrentkvs.blocking.KvsClient;
import io.concurrentkvs.core.AsyncKvsClient;
import io.concurrentkvs.core.Codec;
import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.core.KvsException;
import io.concurrentkvs.core.KvsTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Keeps the README's usage examples compiling and correct. Each example is the code between its
 * {@code README ... begin} and {@code end} comments, pasted into README.md verbatim with
 * {@code storeName} replaced by {@code "my_kvs"}; it runs here against a real server JVM.
 */
class ReadmeExamplesTest {
    @RegisterExtension
    final ProcessFixture processes = new ProcessFixture();

    @Test
    void theSynchronousExampleRunsAsDescribed() {
        ServerProcess server = ServerProcess.start(processes, "readme-sync");
        assertThat(syncExample(server.name())).containsExactly(false, Optional.of("Ada"), true, Optional.empty());
    }

    @Test
    void theAsynchronousExampleRunsAsDescribed() {
        ServerProcess server = ServerProcess.start(processes, "readme-async");
        assertThat(asyncExample(server.name())).containsExactly(Optional.of(1L), 700L);
    }

    @Test
    void theCustomCodecExampleRunsAsDescribed() {
        ServerProcess server = ServerProcess.start(processes, "readme-codec");
        assertThat(codecExample(server.name())).contains(new Money(1999, "EUR"));
    }

    static List<Object> syncExample(String storeName) {
        // README sync example: begin
        try (KvsClient<String, String> kvs = KvsClient.connect(storeName, Codecs.string(), Codecs.string())) {
            kvs.set("user:42", "Ada"); // insert or update: true once stored
            boolean added = kvs.post("user:42", "Grace"); // insert only: false, the key exists
            Optional<String> name = kvs.get("user:42"); // Optional[Ada]
            boolean removed = kvs.del("user:42"); // true: the key was there
            Optional<String> gone = kvs.get("user:42", 100); // Optional.empty, with a 100 ms timeout

            try {
                kvs.set("session:7", "active", 50);
            } catch (KvsTimeoutException e) { // no answer within 50 ms
                System.err.println("slow server: " + e.getMessage());
            } catch (KvsException e) { // e.g. KvsUnavailableException: no server
                System.err.println("store unavailable: " + e.getMessage());
            }
            // README sync example: end
            return List.of(added, name, removed, gone);
        }
    }

    static List<Object> asyncExample(String storeName) {
        // README async example: begin
        try (KvsConnection conn = KvsConnection.connect(storeName)) {
            AsyncKvsClient<String, Long> counters = conn.async(Codecs.string(), Codecs.int64());

            // Chain without blocking; callbacks run on the connection's poller thread, so keep them short.
            CompletableFuture<Optional<Long>> visits =
                    counters.set("visits", 1L).thenCompose(stored -> counters.get("visits"));

            // Many requests in flight at once, then wait for all of them.
            List<CompletableFuture<Boolean>> writes = new ArrayList<>();
            for (long day = 1; day <= 7; day++) {
                writes.add(counters.set("visits:day" + day, day * 100));
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();

            // Failures arrive as errors (KvsTimeoutException, KvsUnavailableException), never as false.
            long sunday = counters.get("visits:day7", Duration.ofMillis(200))
                    .exceptionally(error -> Optional.empty())
                    .join()
                    .orElse(0L);
            System.out.println("visits: " + visits.join().orElse(0L) + ", on day 7: " + sunday);
            // README async example: end
            return List.of(visits.join(), sunday);
        }
    }

    /** README codec example: a user type. */
    record Money(long cents, String currency) {}

    static Optional<Money> codecExample(String storeName) {
        // README codec example: begin
        Codec<Money> moneyCodec =
                Codec.of(m -> (m.cents() + " " + m.currency()).getBytes(StandardCharsets.UTF_8), bytes -> {
                    String[] parts = new String(bytes, StandardCharsets.UTF_8).split(" ");
                    return new Money(Long.parseLong(parts[0]), parts[1]);
                });
        try (KvsClient<String, Money> prices = KvsClient.connect(storeName, Codecs.string(), moneyCodec)) {
            prices.set("price:book", new Money(1999, "EUR"));
            Optional<Money> price = prices.get("price:book"); // Optional[Money[cents=1999, currency=EUR]]
            // README codec example: end
            return price;
        }
    }
}
