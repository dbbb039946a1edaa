package io.concurrentkvs.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.KvsConnection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Keeps the README's reactive example compiling and correct (the code between its begin/end comments). */
class ReadmeReactiveExampleTest {
    @Test
    void theReactiveExampleRunsAsDescribed() {
        try (TestStore store = TestStore.start("readme")) {
            assertThat(reactiveExample(store.connection)).isEqualTo(List.of(Optional.of("Ada"), 1000L));
        }
    }

    static List<Object> reactiveExample(KvsConnection conn) {
        // README reactive example: begin
        ReactiveKvsClient<String, String> rx = ReactiveKvsClient.create(conn, Codecs.string(), Codecs.string());

        // Lazy: nothing is sent until subscription; each subscription sends its own request.
        Mono<Optional<String>> name = rx.set("user:42", "Ada").then(rx.get("user:42"));

        // Batch writes with backpressure: at most 256 in flight (the default window), one result per
        // entry, in input order. Signals arrive on the connection's poller thread: move heavy work off it.
        Mono<Long> stored = rx.setAll(Flux.range(0, 1000).map(i -> Map.entry("item:" + i, "value " + i)))
                .publishOn(Schedulers.boundedElastic())
                .filter(Boolean::booleanValue)
                .count();
        // README reactive example: end
        return List.of(name.block(), stored.block());
    }
}
