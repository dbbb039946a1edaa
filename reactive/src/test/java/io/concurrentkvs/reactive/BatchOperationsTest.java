package io.concurrentkvs.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** {@code setAll}/{@code getAll} against a running server: results, order, backpressure, failures. */
class BatchOperationsTest {
    private static final Duration LONG = Duration.ofSeconds(60);
    private static TestStore store;
    private static ReactiveKvsClient<String, String> rx;

    @BeforeAll
    static void startServer() {
        store = TestStore.start("batch", b -> b.maxKeyBytes(64));
        rx = store.strings();
    }

    @AfterAll
    static void stopServer() {
        if (store != null) {
            store.close();
        }
    }

    private static List<String> keys(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + i).collect(Collectors.toList());
    }

    @Test
    void setAllWritesEveryEntryAndGetAllReadsThemBackInInputOrder() {
        int n = 5_000;
        List<String> keys = keys("order-", n);
        StepVerifier.create(rx.setAll(Flux.fromIterable(keys).map(k -> Map.entry(k, "value-of-" + k))))
                .expectNextCount(n)
                .verifyComplete();

        // Read back in a shuffled order, so that input order and write order differ.
        List<String> shuffled = new ArrayList<>(keys);
        Collections.shuffle(shuffled, new Random(42));
        List<Optional<String>> expected =
                shuffled.stream().map(k -> Optional.of("value-of-" + k)).collect(Collectors.toList());
        List<Optional<String>> actual =
                rx.getAll(Flux.fromIterable(shuffled)).collectList().block(LONG);
        assertThat(actual).containsExactlyElementsOf(expected);
    }

    @Test
    void setAllWithAnExplicitWindowEmitsOneTruePerEntry() {
        List<Boolean> results = rx.setAll(Flux.range(0, 3_000).map(i -> Map.entry("set-order-" + i, "v" + i)), 64)
                .collectList()
                .block(LONG);
        assertThat(results).hasSize(3_000).containsOnly(true);
        assertThat(rx.getAll(Flux.range(0, 3_000).map(i -> "set-order-" + i))
                        .collectList()
                        .block(LONG))
                .containsExactlyElementsOf(IntStream.range(0, 3_000)
                        .mapToObj(i -> Optional.of("v" + i))
                        .collect(Collectors.toList()));
    }

    @Test
    void getAllEmitsEmptyOptionalsAtTheirPositions() {
        StepVerifier.create(rx.setAll(Flux.just(Map.entry("gap-1", "one"), Map.entry("gap-3", "three"))))
                .expectNext(true, true)
                .verifyComplete();
        StepVerifier.create(rx.getAll(Flux.just("gap-0", "gap-1", "gap-2", "gap-3", "gap-4"), 2))
                .expectNext(
                        Optional.empty(), Optional.of("one"), Optional.empty(), Optional.of("three"), Optional.empty())
                .verifyComplete();
    }

    @Test
    void emptyInputCompletesWithoutResults() {
        StepVerifier.create(rx.setAll(Flux.empty())).verifyComplete();
        StepVerifier.create(rx.getAll(Flux.empty())).verifyComplete();
    }

    @Test
    void upstreamIsNotSubscribedBeforeTheBatchIs() {
        AtomicBoolean subscribed = new AtomicBoolean();
        Flux<Map.Entry<String, String>> source =
                Flux.just(Map.entry("lazy-batch", "v")).doOnSubscribe(s -> subscribed.set(true));
        Flux<Boolean> batch = rx.setAll(source);
        assertThat(subscribed).isFalse();
        StepVerifier.create(batch).expectNext(true).verifyComplete();
        assertThat(subscribed).isTrue();
    }

    @Test
    void upstreamDemandNeverExceedsTheWindowWithASlowSubscriber() {
        int window = 16;
        int n = 600;
        AtomicLong requestedUpstream = new AtomicLong();
        AtomicLong emittedDownstream = new AtomicLong();
        AtomicLong maxOutstanding = new AtomicLong();
        Flux<String> keys = Flux.range(0, n).map(i -> "demand-" + i).doOnRequest(r -> {
            long outstanding = requestedUpstream.addAndGet(r) - emittedDownstream.get();
            maxOutstanding.accumulateAndGet(outstanding, Math::max);
        });
        Flux<Optional<String>> batch = rx.getAll(keys, window).doOnNext(v -> emittedDownstream.incrementAndGet());

        // A subscriber that asks for one result at a time, and only after the previous one arrived.
        StepVerifier.Step<Optional<String>> step = StepVerifier.create(batch, 0).expectSubscription();
        for (int i = 0; i < n; i++) {
            step = step.thenRequest(1).expectNext(Optional.empty());
        }
        step.verifyComplete();

        assertThat(maxOutstanding.get()).isEqualTo(window);
        assertThat(requestedUpstream.get()).isBetween((long) n, (long) n + window);
    }

    @Test
    void anElementFailingMidStreamEndsTheBatchAndLeaksNoSlot() {
        Flux<String> keys = Flux.range(0, 3_000).map(i -> i == 1_500 ? "x".repeat(65) : "fail-" + i);
        StepVerifier.create(rx.getAll(keys, 128))
                .thenConsumeWhile(v -> true)
                .expectError(IllegalArgumentException.class)
                .verify(LONG);
        store.awaitInFlight(0);
    }

    @Test
    void cancellingMidStreamLeaksNoSlot() {
        StepVerifier.create(rx.setAll(Flux.range(0, 100_000).map(i -> Map.entry("cancel-" + i, "v")), 128))
                .expectNextCount(1_000)
                .thenCancel()
                .verify(LONG);
        store.awaitInFlight(0);
    }

    @Test
    void aNullKeyInABatchFailsIt() {
        StepVerifier.create(rx.setAll(Flux.just(new java.util.AbstractMap.SimpleEntry<String, String>(null, "v"))))
                .expectError(NullPointerException.class)
                .verify(LONG);
    }
}
