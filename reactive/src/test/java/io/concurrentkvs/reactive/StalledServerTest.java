package io.concurrentkvs.reactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.ConnectionOptions;
import io.concurrentkvs.core.KvsTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/**
 * Behaviour while the server cannot answer (its ring is held by a {@link FrozenProducer}): requests
 * stay in flight, so cancellation, timeouts and batch windows can be observed exactly through
 * {@code inFlight()} instead of racing a fast server.
 */
class StalledServerTest {
    private static final Duration LONG = Duration.ofSeconds(60);
    private static TestStore store;
    private static ReactiveKvsClient<String, String> rx;

    private FrozenProducer frozen;

    @BeforeAll
    static void startServer() {
        // Both far beyond any wait in this class: the workers never skip the frozen slot on their own,
        // and no request times out by itself, so only a cancellation can free a slot while frozen.
        store = TestStore.start(
                "stalled",
                b -> b.stallTimeout(Duration.ofMinutes(30)).maxKeyBytes(64),
                ConnectionOptions.builder()
                        .defaultTimeout(Duration.ofMinutes(10))
                        .build());
        rx = store.strings();
    }

    @AfterAll
    static void stopServer() {
        if (store != null) {
            store.close();
        }
    }

    @BeforeEach
    void freeze() {
        store.awaitInFlight(0);
        frozen = FrozenProducer.freeze(store.server);
    }

    @AfterEach
    void thaw() {
        frozen.close();
        store.awaitInFlight(0);
    }

    @Test
    void cancellingAMonoFreesItsSlot() {
        StepVerifier.create(rx.get("cancel-me"))
                .expectSubscription()
                .then(() -> store.awaitInFlight(1))
                .thenCancel()
                .verify(LONG);
        // Still frozen: only the cancellation can have freed the slot (the timeout is a minute away).
        store.awaitInFlight(0);
    }

    @Test
    void aTimeoutSignalsKvsTimeoutExceptionAndFreesTheSlot() {
        StepVerifier.create(rx.set("late-write", "v", Duration.ofMillis(50)))
                .expectErrorSatisfies(e ->
                        assertThat(e).isInstanceOf(KvsTimeoutException.class).hasMessageContaining("SET"))
                .verify(LONG);
        store.awaitInFlight(0);

        // The write was already in the ring: a timeout does not undo it once the server goes on.
        frozen.close();
        await().atMost(TestStore.PATIENCE)
                .until(() -> rx.get("late-write").block(LONG).isPresent());
    }

    @Test
    void aReactorTimeoutUnderVirtualTimeCancelsTheRequest() {
        StepVerifier.withVirtualTime(() -> rx.get("virtual").timeout(Duration.ofSeconds(5)))
                .expectSubscription()
                .then(() -> store.awaitInFlight(1))
                .thenAwait(Duration.ofSeconds(5))
                .expectError(TimeoutException.class)
                .verify(LONG);
        store.awaitInFlight(0);
    }

    @Test
    void signalsArriveOnThePollerThread() {
        StepVerifier.create(rx.get("thread").map(v -> Thread.currentThread().getName()))
                .expectSubscription()
                .then(() -> store.awaitInFlight(1))
                .then(frozen::close)
                .assertNext(thread -> assertThat(thread).startsWith("kvs-poller-"))
                .verifyComplete();
    }

    @Test
    void aBatchKeepsExactlyItsWindowInFlight() {
        AtomicLong requested = new AtomicLong();
        Flux<String> keys = Flux.range(0, 1_000).map(i -> "window-" + i).doOnRequest(requested::addAndGet);
        StepVerifier.create(rx.getAll(keys, 8))
                .expectSubscription()
                .then(() -> store.awaitInFlight(8))
                .then(() -> assertThat(requested).hasValue(8))
                .then(() -> assertThat(store.connection.inFlight()).isEqualTo(8))
                .then(frozen::close)
                .expectNextCount(1_000)
                .verifyComplete();
    }

    @Test
    void theDefaultWindowComesFromTheOptions() {
        ReactiveKvsClient<String, String> client = ReactiveKvsClient.create(
                store.connection,
                Codecs.string(),
                Codecs.string(),
                ReactiveOptions.builder().batchWindow(5).build());
        AtomicLong requested = new AtomicLong();
        Flux<Map.Entry<String, String>> entries =
                Flux.range(0, 100).map(i -> Map.entry("opt-" + i, "v")).doOnRequest(requested::addAndGet);
        StepVerifier.create(client.setAll(entries))
                .expectSubscription()
                .then(() -> store.awaitInFlight(5))
                .then(() -> assertThat(requested).hasValue(5))
                .then(frozen::close)
                .expectNextCount(100)
                .verifyComplete();
    }

    @Test
    void cancellingABatchFreesEverySlot() {
        StepVerifier.create(rx.setAll(Flux.range(0, 1_000).map(i -> Map.entry("batch-cancel-" + i, "v")), 16))
                .expectSubscription()
                .then(() -> store.awaitInFlight(16))
                .thenCancel()
                .verify(LONG);
        store.awaitInFlight(0);
    }

    @Test
    void anUpstreamErrorMidBatchFreesEverySlot() {
        Sinks.Many<String> keys = Sinks.many().unicast().onBackpressureBuffer();
        StepVerifier.create(rx.getAll(keys.asFlux(), 32))
                .expectSubscription()
                .then(() -> {
                    for (int i = 0; i < 10; i++) {
                        keys.tryEmitNext("upstream-" + i).orThrow();
                    }
                })
                .then(() -> store.awaitInFlight(10))
                .then(() -> keys.tryEmitError(new IllegalStateException("source failed"))
                        .orThrow())
                .expectErrorMessage("source failed")
                .verify(LONG);
        store.awaitInFlight(0);
    }

    @Test
    void aFailingElementMidBatchFreesEverySlot() {
        Flux<String> keys = Flux.range(0, 20).map(i -> i == 10 ? "x".repeat(65) : "bad-" + i);
        StepVerifier.create(rx.getAll(keys, 32))
                .expectError(IllegalArgumentException.class)
                .verify(LONG);
        // Still frozen: the ten reads before the bad key were answered by nobody, so only the batch's
        // cancellation can free their slots.
        store.awaitInFlight(0);
    }
}
