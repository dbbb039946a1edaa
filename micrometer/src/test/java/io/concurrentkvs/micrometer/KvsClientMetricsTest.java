package io.concurrentkvs.micrometer;

import static io.concurrentkvs.micrometer.TestServer.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.concurrentkvs.core.KvsCapacityException;
import io.concurrentkvs.core.KvsTimeoutException;
import io.concurrentkvs.core.KvsUnavailableException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link KvsClientMetrics} against a real in-process server. */
class KvsClientMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TestServer store;
    private KvsClientMetrics metrics;

    @BeforeEach
    void start() {
        // Far beyond any wait here: a frozen ring slot is never skipped while a test holds it.
        store = TestServer.start("client", b -> b.stallTimeout(Duration.ofMinutes(30)));
        metrics = new KvsClientMetrics(store.connection, Tags.of("app", "test"));
        metrics.bindTo(registry);
    }

    @AfterEach
    void stop() {
        metrics.close();
        store.close();
    }

    private static long count(SimpleMeterRegistry registry, String op, String outcome) {
        Timer timer = registry.find(KvsClientMetrics.REQUESTS)
                .tags("op", op, "outcome", outcome)
                .timer();
        return timer == null ? 0 : timer.count();
    }

    private long count(String op, String outcome) {
        return count(registry, op, outcome);
    }

    @Test
    void theTimerCountsAnsweredRequestsByOperationAndOutcome() {
        var c = store.client;
        assertThat(c.set("k", "v").join()).isTrue();
        assertThat(c.get("k").join()).contains("v");
        assertThat(c.get("absent").join()).isEmpty();
        assertThat(c.get("absent-too").join()).isEmpty();
        assertThat(c.post("k", "other").join()).isFalse(); // present: an answer, not a failure
        assertThat(c.post("new", "v").join()).isTrue();
        assertThat(c.del("k").join()).isTrue();
        assertThat(c.del("k").join()).isFalse();

        // Recorded just after the future completes, on the completing thread: wait for the last one.
        awaitTrue(() -> count("del", "success") == 2);
        assertThat(count("set", "success")).isEqualTo(1);
        assertThat(count("get", "hit")).isEqualTo(1);
        assertThat(count("get", "miss")).isEqualTo(2);
        assertThat(count("post", "success")).isEqualTo(2);
        assertThat(count("get", "success")).isZero();
        Timer hit = registry.get(KvsClientMetrics.REQUESTS)
                .tags("op", "get", "outcome", "hit")
                .timer();
        assertThat(hit.getId().getTag("store")).isEqualTo(store.name);
        assertThat(hit.getId().getTag("app")).isEqualTo("test");
        assertThat(registry.find(KvsClientMetrics.REQUESTS).timers())
                .as("one timer per operation and outcome seen, no more")
                .hasSize(5);
    }

    @Test
    void theInflightGaugeReadsRequestsAwaitingAnswersAndTimeoutsAndCancellationsAreCounted() {
        Gauge inflight = registry.get(KvsClientMetrics.INFLIGHT).gauge();
        assertThat(inflight.value()).isZero();
        CompletableFuture<Optional<String>> waiting;
        TestServer.Frozen frozen = store.freeze();
        try {
            waiting = store.client.get("stuck", Duration.ofMinutes(10));
            awaitTrue(() -> inflight.value() == 1);
            CompletableFuture<Boolean> late = store.client.set("late", "v", Duration.ofMillis(50));
            assertThatThrownBy(late::join).hasCauseInstanceOf(KvsTimeoutException.class);
            awaitTrue(() -> count("set", "timeout") == 1);
            assertThat(waiting.cancel(true)).isTrue();
            awaitTrue(() -> count("get", "cancelled") == 1);
            assertThat(waiting.cancel(true)).as("still cancelled").isTrue();
        } finally {
            frozen.close();
        }
        awaitTrue(() -> inflight.value() == 0);
        assertThat(count("get", "cancelled"))
                .as("a second cancel is not a second request")
                .isEqualTo(1);
        assertThat(count("set", "success")).isZero();
    }

    @Test
    void aRequestToAStoppedServerIsCountedUnavailable() {
        store.server.stop();
        assertThatThrownBy(() -> store.client.get("k").join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(KvsUnavailableException.class);
        awaitTrue(() -> count("get", "unavailable") == 1);
    }

    @Test
    void writesIntoAFullStoreAreCountedCapacity() {
        try (TestServer full = TestServer.start("full", b -> b.maxEntries(4))) {
            SimpleMeterRegistry own = new SimpleMeterRegistry();
            new KvsClientMetrics(full.connection).bindTo(own);
            int stored = 0;
            int refused = 0;
            for (int i = 0; i < 32; i++) {
                try {
                    full.client.set("key-" + i, "v").join();
                    stored++;
                } catch (CompletionException e) {
                    assertThat(e).hasCauseInstanceOf(KvsCapacityException.class);
                    refused++;
                }
            }
            assertThat(refused)
                    .as("a store of 4 entries refuses some of 32 keys")
                    .isPositive();
            int expectedStored = stored;
            int expectedRefused = refused;
            awaitTrue(() -> count(own, "set", "success") + count(own, "set", "capacity") == 32);
            assertThat(count(own, "set", "success")).isEqualTo(expectedStored);
            assertThat(count(own, "set", "capacity")).isEqualTo(expectedRefused);
        }
    }

    @Test
    void severalBindersObserveOneConnectionAndAClosedOneStopsRecording() {
        SimpleMeterRegistry other = new SimpleMeterRegistry();
        KvsClientMetrics second = new KvsClientMetrics(store.connection);
        second.bindTo(other);
        second.bindTo(other); // ignored: would count each request twice
        store.client.set("a", "1").join();
        awaitTrue(() -> count("set", "success") == 1 && count(other, "set", "success") == 1);

        second.close();
        store.client.set("b", "2").join();
        awaitTrue(() -> count("set", "success") == 2);
        assertThat(count(other, "set", "success")).isEqualTo(1);
        assertThat(other.get(KvsClientMetrics.INFLIGHT).gauge().value()).isZero();
    }
}
