package io.concurrentkvs.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * Proves with BlockHound (installed for every test of this module by {@code blockhound-junit-platform})
 * that sending requests and handling their results from Reactor's non-blocking threads never blocks.
 */
class NonBlockingTest {
    private static final Duration LONG = Duration.ofSeconds(60);
    private static TestStore store;
    private static ReactiveKvsClient<String, String> rx;

    @BeforeAll
    static void startServer() {
        store = TestStore.start("nonblocking");
        rx = store.strings();
    }

    @AfterAll
    static void stopServer() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void blockHoundCatchesABlockingCallOnAParallelThread() {
        // The guard for the tests below: if BlockHound were not installed, this would complete.
        StepVerifier.create(Mono.fromRunnable(Thread::yield).subscribeOn(Schedulers.parallel()))
                .expectError(BlockingOperationError.class)
                .verify(LONG);
    }

    @Test
    void singleOperationsSentFromParallelThreadsNeverBlock() {
        Flux<Boolean> work = Flux.range(0, 2_000)
                .parallel()
                .runOn(Schedulers.parallel())
                .flatMap(i -> rx.set("par-" + i, "v" + i)
                        // Each result hops back to a parallel thread and the next call starts there.
                        .publishOn(Schedulers.parallel())
                        .flatMap(ok -> rx.get("par-" + i))
                        .publishOn(Schedulers.parallel())
                        .flatMap(v -> rx.post("par-" + i, "other"))
                        .publishOn(Schedulers.parallel())
                        .flatMap(posted -> rx.del("par-" + i).map(deleted -> !posted && deleted)))
                .sequential();
        List<Boolean> results = work.collectList().block(LONG);
        assertThat(results).hasSize(2_000).containsOnly(true);
    }

    @Test
    void batchesDrivenFromParallelThreadsNeverBlock() {
        Flux<Map.Entry<String, String>> entries = Flux.range(0, 5_000)
                .map(i -> Map.entry("par-batch-" + i, "v" + i))
                .publishOn(Schedulers.parallel());
        Mono<List<Optional<String>>> readBack = rx.setAll(entries, 64)
                .publishOn(Schedulers.parallel())
                .then(rx.getAll(Flux.range(0, 5_000).map(i -> "par-batch-" + i).subscribeOn(Schedulers.parallel()), 64)
                        .publishOn(Schedulers.parallel())
                        .collectList())
                .subscribeOn(Schedulers.parallel());
        StepVerifier.create(readBack)
                .assertNext(values -> {
                    assertThat(values).hasSize(5_000);
                    assertThat(values.get(0)).contains("v0");
                    assertThat(values.get(4_999)).contains("v4999");
                })
                .verifyComplete();
    }
}
