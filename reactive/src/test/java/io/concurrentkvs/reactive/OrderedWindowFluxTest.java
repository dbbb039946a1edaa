package io.concurrentkvs.reactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

/**
 * {@link OrderedWindowFlux} on its own, over calls whose futures the test completes by hand (in any
 * order, on any thread), so ordering, the window, demand, failures and cancellation are exact instead
 * of racing a server.
 */
class OrderedWindowFluxTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    /** A batch call whose futures stay pending until the test completes them; records every one. */
    private static final class HandCompleted implements Function<Integer, CompletableFuture<String>> {
        final List<CompletableFuture<String>> futures = new CopyOnWriteArrayList<>();
        final AtomicInteger maxInFlight = new AtomicInteger();

        @Override
        public CompletableFuture<String> apply(Integer element) {
            assertThat(element).isEqualTo(futures.size()); // elements arrive in order, one call each
            futures.add(new CompletableFuture<>());
            maxInFlight.accumulateAndGet(inFlight(), Math::max);
            return futures.get(element);
        }

        int created() {
            return futures.size();
        }

        int inFlight() {
            return (int) futures.stream().filter(f -> !f.isDone()).count();
        }

        void complete(int element) {
            futures.get(element).complete("r" + element);
        }

        List<Integer> cancelled() {
            return IntStream.range(0, futures.size())
                    .filter(i -> futures.get(i).isCancelled())
                    .boxed()
                    .collect(Collectors.toList());
        }
    }

    @Test
    void resultsAreEmittedInInputOrderWhenAnswersArriveOutOfOrder() {
        HandCompleted calls = new HandCompleted();
        List<String> seen = new CopyOnWriteArrayList<>();
        StepVerifier.create(OrderedWindowFlux.create(Flux.range(0, 4), 4, calls).doOnNext(seen::add))
                .expectSubscription()
                .then(() -> {
                    calls.complete(3);
                    calls.complete(1);
                    calls.complete(2);
                })
                // Element 0 is still unanswered: nothing may overtake it.
                .then(() -> assertThat(seen).isEmpty())
                .then(() -> calls.complete(0))
                .expectNext("r0", "r1", "r2", "r3")
                .verifyComplete();
    }

    @Test
    void resultsStayInInputOrderWhenAnswersCompleteOnOtherThreads() {
        int n = 20_000;
        int window = 32;
        ExecutorService pool = Executors.newFixedThreadPool(3);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        try {
            Function<Integer, CompletableFuture<Integer>> call = i -> {
                maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                return CompletableFuture.supplyAsync(
                        () -> {
                            inFlight.decrementAndGet();
                            return i;
                        },
                        pool);
            };
            // limitRate makes downstream demand arrive in small steps from the emitting thread.
            StepVerifier.create(OrderedWindowFlux.create(Flux.range(0, n), window, call)
                            .limitRate(7))
                    .expectNextSequence(IntStream.range(0, n).boxed().collect(Collectors.toList()))
                    .expectComplete()
                    .verify(LONG);
        } finally {
            pool.shutdownNow();
        }
        assertThat(maxInFlight.get()).isBetween(1, window);
    }

    @Test
    void neverMoreThanTheWindowIsInFlight() {
        HandCompleted calls = new HandCompleted();
        StepVerifier.create(OrderedWindowFlux.create(Flux.range(0, 10), 3, calls))
                .expectSubscription()
                .then(() -> assertThat(calls.created()).isEqualTo(3))
                // An answer behind the head frees no slot: its result must wait for element 0's.
                .then(() -> calls.complete(2))
                .then(() -> assertThat(calls.created()).isEqualTo(3))
                .then(() -> calls.complete(0))
                .expectNext("r0")
                .then(() -> assertThat(calls.created()).isEqualTo(4))
                .then(() -> calls.complete(1))
                .expectNext("r1", "r2")
                .then(() -> assertThat(calls.created()).isEqualTo(6))
                // Each completion emits at once, which lets the next element in: complete them in order.
                .then(() -> IntStream.range(3, 10).forEach(calls::complete))
                .expectNext("r3", "r4", "r5", "r6", "r7", "r8", "r9")
                .verifyComplete();
        assertThat(calls.created()).isEqualTo(10);
        assertThat(calls.maxInFlight).hasValue(3);
    }

    @Test
    void upstreamDemandStartsAtTheWindowAndGrowsOnlyWithEmittedResults() {
        int window = 5;
        List<Long> upstreamRequests = new CopyOnWriteArrayList<>();
        AtomicLong requested = new AtomicLong();
        AtomicLong emitted = new AtomicLong();
        AtomicLong maxAhead = new AtomicLong();
        Flux<Integer> source = Flux.range(0, 50).doOnRequest(r -> {
            upstreamRequests.add(r);
            maxAhead.accumulateAndGet(requested.addAndGet(r) - emitted.get(), Math::max);
        });
        Flux<Integer> batch = OrderedWindowFlux.create(source, window, CompletableFuture::completedFuture)
                .doOnNext(v -> emitted.incrementAndGet());

        StepVerifier.create(batch, 0)
                .expectSubscription()
                // Answers are ready at once, but nobody asked for them: only the window was requested.
                .then(() -> assertThat(upstreamRequests).containsExactly(5L))
                .thenRequest(2)
                .expectNext(0, 1)
                .then(() -> assertThat(upstreamRequests).containsExactly(5L, 2L))
                .thenRequest(Long.MAX_VALUE)
                .expectNextCount(48)
                .verifyComplete();
        assertThat(maxAhead.get()).isEqualTo(window);
        assertThat(requested.get()).isBetween(50L, 50L + window);
    }

    @Test
    void aSlowSubscriberGetsNoMoreThanItRequested() {
        List<Integer> seen = new CopyOnWriteArrayList<>();
        Flux<Integer> batch = OrderedWindowFlux.create(Flux.range(0, 10), 4, CompletableFuture::completedFuture)
                .doOnNext(seen::add);
        StepVerifier.create(batch, 0)
                .expectSubscription()
                .then(() -> assertThat(seen).isEmpty())
                .thenRequest(1)
                .expectNext(0)
                .then(() -> assertThat(seen).containsExactly(0))
                .thenRequest(3)
                .expectNext(1, 2, 3)
                .then(() -> assertThat(seen).containsExactly(0, 1, 2, 3))
                .thenRequest(6)
                .expectNext(4, 5, 6, 7, 8, 9)
                .verifyComplete();
    }

    @Test
    void anEmptySourceCompletesEmptyWithoutDemand() {
        HandCompleted calls = new HandCompleted();
        StepVerifier.create(OrderedWindowFlux.create(Flux.empty(), 4, calls), 0).verifyComplete();
        assertThat(calls.created()).isZero();
    }

    @Test
    void nothingIsCalledBeforeSubscriptionAndEachSubscriptionRunsItsOwnBatch() {
        AtomicInteger calls = new AtomicInteger();
        Flux<Integer> batch = OrderedWindowFlux.create(Flux.range(0, 5), 2, i -> {
            calls.incrementAndGet();
            return CompletableFuture.completedFuture(i);
        });
        assertThat(calls).hasValue(0);
        StepVerifier.create(batch).expectNext(0, 1, 2, 3, 4).verifyComplete();
        StepVerifier.create(batch).expectNext(0, 1, 2, 3, 4).verifyComplete();
        assertThat(calls).hasValue(10);
    }

    @Test
    void theFirstFailedAnswerEndsTheBatchAndCancelsTheRequestsInFlightAndUpstream() {
        HandCompleted calls = new HandCompleted();
        AtomicBoolean upstreamCancelled = new AtomicBoolean();
        Flux<Integer> source = Flux.range(0, 100).doOnCancel(() -> upstreamCancelled.set(true));
        StepVerifier.create(OrderedWindowFlux.create(source, 4, calls))
                .expectSubscription()
                .then(() -> calls.complete(0))
                .expectNext("r0")
                .then(() -> calls.complete(2)) // answered, but behind 1: dropped with the batch
                .then(() -> calls.futures.get(3).completeExceptionally(new IllegalStateException("answer 3 failed")))
                .expectErrorMessage("answer 3 failed")
                .verify(LONG);
        assertThat(calls.created()).isEqualTo(5);
        assertThat(calls.cancelled()).containsExactly(1, 4);
        assertThat(calls.inFlight()).isZero();
        assertThat(upstreamCancelled).isTrue();
    }

    @Test
    void aCallThatThrowsEndsTheBatchAndCancelsTheRequestsInFlightAndUpstream() {
        HandCompleted calls = new HandCompleted();
        AtomicBoolean upstreamCancelled = new AtomicBoolean();
        Flux<Integer> source = Flux.range(0, 100).doOnCancel(() -> upstreamCancelled.set(true));
        Function<Integer, CompletableFuture<String>> encodeThenCall = i -> {
            if (i == 2) {
                throw new IllegalArgumentException("key of 65 bytes exceeds the store's maxKeyBytes limit");
            }
            return calls.apply(i);
        };
        StepVerifier.create(OrderedWindowFlux.create(source, 4, encodeThenCall))
                .expectErrorMessage("key of 65 bytes exceeds the store's maxKeyBytes limit")
                .verify(LONG);
        assertThat(calls.cancelled()).containsExactly(0, 1);
        assertThat(upstreamCancelled).isTrue();
    }

    @Test
    void aNullElementEndsTheBatchAndCancelsTheRequestsInFlightAndUpstream() {
        HandCompleted calls = new HandCompleted();
        TestPublisher<Integer> source = TestPublisher.createNoncompliant(TestPublisher.Violation.ALLOW_NULL);
        StepVerifier.create(OrderedWindowFlux.create(source, 4, calls))
                .expectSubscription()
                .then(() -> {
                    source.next(0);
                    source.next(null);
                })
                .expectError(NullPointerException.class)
                .verify(LONG);
        assertThat(calls.cancelled()).containsExactly(0);
        source.assertCancelled();
    }

    @Test
    void anUpstreamErrorEndsTheBatchAndCancelsTheRequestsInFlight() {
        HandCompleted calls = new HandCompleted();
        TestPublisher<Integer> source = TestPublisher.create();
        StepVerifier.create(OrderedWindowFlux.create(source, 4, calls))
                .expectSubscription()
                .then(() -> source.next(0, 1))
                .then(() -> calls.complete(0))
                .expectNext("r0")
                .then(() -> source.error(new IllegalStateException("source failed")))
                .expectErrorMessage("source failed")
                .verify(LONG);
        assertThat(calls.cancelled()).containsExactly(1);
    }

    @Test
    void anUpstreamIgnoringDemandFailsTheBatchInsteadOfOverrunningTheWindow() {
        HandCompleted calls = new HandCompleted();
        TestPublisher<Integer> source = TestPublisher.createNoncompliant(TestPublisher.Violation.REQUEST_OVERFLOW);
        StepVerifier.create(OrderedWindowFlux.create(source, 2, calls))
                .expectSubscription()
                .then(() -> source.next(0, 1, 2))
                .expectErrorMatches(Exceptions::isOverflow)
                .verify(LONG);
        assertThat(calls.created()).isEqualTo(2);
        assertThat(calls.cancelled()).containsExactly(0, 1);
        source.assertCancelled();
    }

    @Test
    void cancellingCancelsEveryRequestInFlightAndUpstream() {
        HandCompleted calls = new HandCompleted();
        AtomicBoolean upstreamCancelled = new AtomicBoolean();
        Flux<Integer> source = Flux.range(0, 100).doOnCancel(() -> upstreamCancelled.set(true));
        StepVerifier.create(OrderedWindowFlux.create(source, 4, calls))
                .expectSubscription()
                .then(() -> calls.complete(0))
                .expectNext("r0")
                // StepVerifier cancels from inside onNext("r0"): the batch stops before it refills r0's slot.
                .thenCancel()
                .verify(LONG);
        assertThat(calls.created()).isEqualTo(4);
        assertThat(calls.cancelled()).containsExactly(1, 2, 3);
        assertThat(calls.inFlight()).isZero();
        assertThat(upstreamCancelled).isTrue();
    }

    @Test
    void cancellingDropsTheSubscriberAndTheResultsWaitingForDemand() {
        // An upstream that keeps its subscriber (the batch) forever, as a long-lived source may: only
        // the batch letting go of them can free the downstream subscriber and the buffered results.
        AtomicReference<Subscriber<? super Integer>> heldByUpstream = new AtomicReference<>();
        Publisher<Integer> source = s -> {
            heldByUpstream.set(s);
            Flux.range(0, 4).subscribe(s);
        };
        List<WeakReference<Object>> results = new ArrayList<>();
        Flux<Object> batch = OrderedWindowFlux.create(source, 4, i -> {
            Object result = new Object();
            results.add(new WeakReference<>(result));
            return CompletableFuture.completedFuture(result);
        });

        WeakReference<Subscriber<Object>> subscriber = subscribeRequestNothingAndCancel(batch);

        assertThat(heldByUpstream.get()).isNotNull();
        assertThat(results).hasSize(4);
        await().atMost(TestStore.PATIENCE).until(() -> {
            System.gc();
            return subscriber.get() == null && results.stream().allMatch(r -> r.get() == null);
        });
    }

    /** In its own frame, so that no local variable keeps the subscriber reachable afterwards. */
    private static WeakReference<Subscriber<Object>> subscribeRequestNothingAndCancel(Flux<Object> batch) {
        BaseSubscriber<Object> subscriber = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                // no demand: the four answered results wait in the batch
            }
        };
        batch.subscribe(subscriber);
        subscriber.cancel();
        return new WeakReference<>(subscriber);
    }

    @Test
    void aCancelRacingCompletionsOnAnotherThreadLeavesNoRequestInFlight() {
        for (int round = 0; round < 50; round++) {
            ConcurrentLinkedQueue<CompletableFuture<Integer>> pending = new ConcurrentLinkedQueue<>();
            List<CompletableFuture<Integer>> all = new CopyOnWriteArrayList<>();
            // A source that never runs out, so the cancel always lands mid-batch.
            Flux<Integer> batch = OrderedWindowFlux.create(Flux.range(0, Integer.MAX_VALUE), 16, i -> {
                CompletableFuture<Integer> f = new CompletableFuture<>();
                all.add(f);
                pending.add(f);
                return f;
            });
            AtomicInteger received = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            Thread completer = new Thread(() -> completeInPairsReversed(pending, stop), "completer");
            Disposable subscription = batch.subscribe(v -> received.incrementAndGet());
            completer.start();
            try {
                await().atMost(TestStore.PATIENCE)
                        .pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(1))
                        .until(() -> received.get() > 100);
                subscription.dispose(); // while the completer keeps completing, and draining, on its thread
            } finally {
                stop.set(true);
            }
            await().atMost(TestStore.PATIENCE).until(() -> !completer.isAlive());
            assertThat(all).allMatch(CompletableFuture::isDone);
        }
    }

    /** Completes pending futures two at a time, the later one first, until told to stop. */
    private static void completeInPairsReversed(
            ConcurrentLinkedQueue<CompletableFuture<Integer>> pending, AtomicBoolean stop) {
        while (!stop.get()) {
            CompletableFuture<Integer> first = pending.poll();
            if (first == null) {
                Thread.onSpinWait();
                continue;
            }
            CompletableFuture<Integer> second = pending.poll();
            if (second != null) {
                second.complete(2);
            }
            first.complete(1);
        }
    }
}
