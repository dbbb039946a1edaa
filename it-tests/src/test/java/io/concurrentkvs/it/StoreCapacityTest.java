package io.concurrentkvs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.concurrentkvs.blocking.KvsClient;
import io.concurrentkvs.core.AsyncKvsClient;
import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.ConnectionOptions;
import io.concurrentkvs.core.KvsCapacityException;
import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.core.KvsStats;
import io.concurrentkvs.core.internal.region.Counters;
import io.concurrentkvs.reactive.ReactiveKvsClient;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.test.StepVerifier;

/**
 * A full store refuses a write with {@link KvsCapacityException} in every view (the future, the Mono and the
 * blocking call), as the server's answer: not as a timeout, which would fail with {@code
 * KvsTimeoutException} instead. The server keeps serving: reads, deletes, updates that need no more room,
 * and a new insert once a delete made room. Both limits: {@code maxEntries} and {@code maxDataBytes}.
 */
class StoreCapacityTest {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** Beyond the request timeout: only a request that neither completes nor fails waits this long. */
    private static final Duration HANG_LIMIT = Duration.ofSeconds(90);

    private static final int MAX_ENTRIES = 100;
    /** A value whose record (key, value and 24 bytes) takes a block of about 4 KiB. */
    private static final String LARGE = "x".repeat(4_000);

    @RegisterExtension
    final ProcessFixture processes = new ProcessFixture();

    @Test
    void theEntryAfterMaxEntriesIsRefusedInEveryViewAndTheServerKeepsServing() {
        // One stripe: the store-wide limit decides, not one segment's share of the index.
        ServerProcess server = ServerProcess.start(
                processes,
                "cap-entries",
                Args.of("stripes", 1),
                Args.of("maxEntries", MAX_ENTRIES),
                Args.of("maxDataBytes", 1L << 20));
        try (KvsConnection conn = connect(server)) {
            Views views = new Views(conn);
            for (int i = 0; i < MAX_ENTRIES; i++) {
                assertThat(views.sync.set("k" + i, "v" + i)).as("insert %d", i).isTrue();
            }
            assertRefusedInEveryView(views, "v", "maxEntries");
            assertThatThrownBy(() -> views.sync.post("new", "v"))
                    .as("a POST that would insert")
                    .isInstanceOf(KvsCapacityException.class);
            // Still serving: reads, updates of present keys, a POST that finds its key, deletes.
            assertThat(views.sync.get("k7")).contains("v7");
            assertThat(views.sync.set("k7", "updated")).isTrue();
            assertThat(views.async.get("k7").join()).contains("updated");
            assertThat(views.sync.post("k8", "ignored")).isFalse();
            assertThat(views.sync.del("k9")).isTrue();
            // The delete made room for exactly one new entry.
            assertThat(views.reactive.set("after-delete", "v").block(REQUEST_TIMEOUT))
                    .isTrue();
            assertThat(views.sync.get("after-delete")).contains("v");
            assertRefusedInEveryView(views, "v", "maxEntries");
            await().atMost(HANG_LIMIT).until(() -> KvsStats.read(server.name()).storedEntries() == MAX_ENTRIES);
        }
        assertThat(PublishedCounters.read(server.name(), Counters.CAPACITY_REJECTIONS))
                .as("refusals counted")
                .isGreaterThanOrEqualTo(7);
        assertThat(server.child().isAlive()).isTrue();
    }

    @Test
    void aValueThatFindsNoRoomInMaxDataBytesIsRefusedInEveryViewAndTheServerKeepsServing() {
        // Two data pages of 32 KiB (the page size for the default 4 KiB value limit), seven blocks each for
        // these values. One stripe: with more, a segment that still has a partly used page could take a value
        // that another segment, finding no free page, refused.
        ServerProcess server = ServerProcess.start(
                processes,
                "cap-data",
                Args.of("stripes", 1),
                Args.of("maxEntries", 1_000),
                Args.of("maxDataBytes", 64L << 10));
        try (KvsConnection conn = connect(server)) {
            Views views = new Views(conn);
            int stored = 0;
            while (true) {
                String key = "big" + stored;
                try {
                    assertThat(views.sync.set(key, LARGE)).isTrue();
                } catch (KvsCapacityException full) {
                    assertThat(full.getMessage()).contains("maxDataBytes");
                    break;
                }
                stored++;
                assertThat(stored).as("large values stored in 64 KiB").isLessThan(64);
            }
            assertThat(stored)
                    .as("large values that fit before the data area was full")
                    .isPositive();
            assertRefusedInEveryView(views, LARGE, "maxDataBytes");

            // Still serving: reads, deletes, and a large insert once a delete freed a block.
            assertThat(views.sync.get("big0")).contains(LARGE);
            assertThat(views.sync.del("big0")).isTrue();
            assertThat(views.async.set("fits-again", LARGE).join()).isTrue();
            assertThat(views.reactive.get("fits-again").block(REQUEST_TIMEOUT)).contains(LARGE);
            assertRefusedInEveryView(views, LARGE, "maxDataBytes");
            // An update writes out of place: with no free block it is refused too, and the old value stays.
            assertThatThrownBy(() -> views.sync.set("big1", LARGE + "y")).isInstanceOf(KvsCapacityException.class);
            assertThat(views.sync.get("big1")).contains(LARGE);
            assertThat(views.sync.del("big1")).isTrue();
            assertThat(views.sync.set("big2", LARGE + "y"))
                    .as("an update once a block is free")
                    .isTrue();
            assertThat(views.sync.get("big2")).contains(LARGE + "y");
            int present = stored - 1; // big0 and big1 gone, fits-again added
            await().atMost(HANG_LIMIT).until(() -> KvsStats.read(server.name()).storedEntries() == present);
        }
        assertThat(server.child().isAlive()).isTrue();
    }

    /** A new key is refused by all three views, with the limit named. */
    private static void assertRefusedInEveryView(Views views, String value, String limit) {
        // The future completes exceptionally with the refusal itself.
        assertThatThrownBy(() -> views.async.set("refused-async", value).get(HANG_LIMIT.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(KvsCapacityException.class)
                .hasMessageContaining(limit);
        StepVerifier.create(views.reactive.set("refused-reactive", value))
                .expectErrorSatisfies(e ->
                        assertThat(e).isInstanceOf(KvsCapacityException.class).hasMessageContaining(limit))
                .verify(HANG_LIMIT);
        assertThatThrownBy(() -> views.sync.set("refused-blocking", value))
                .isInstanceOf(KvsCapacityException.class)
                .hasMessageContaining(limit);
        assertThat(views.sync.get("refused-blocking"))
                .as("a refused write was not applied")
                .isEmpty();
        assertThat(views.async.get("refused-async").join())
                .as("a refused write was not applied")
                .isEmpty();
    }

    private static KvsConnection connect(ServerProcess server) {
        ConnectionOptions options =
                ConnectionOptions.builder().defaultTimeout(REQUEST_TIMEOUT).build();
        return KvsConnection.connect(server.name(), options);
    }

    /** The three views of one connection. */
    private static final class Views {
        final AsyncKvsClient<String, String> async;
        final ReactiveKvsClient<String, String> reactive;
        final KvsClient<String, String> sync;

        Views(KvsConnection conn) {
            async = conn.async(Codecs.string(), Codecs.string());
            reactive = ReactiveKvsClient.create(conn, Codecs.string(), Codecs.string());
            sync = KvsClient.of(conn, Codecs.string(), Codecs.string());
        }
    }
}
