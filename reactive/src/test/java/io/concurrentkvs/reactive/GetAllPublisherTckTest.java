package io.concurrentkvs.reactive;

import java.util.Map;
import java.util.Optional;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/**
 * {@link ReactiveKvsClient#getAll} against the Reactive Streams TCK's publisher rules. Its keys cycle
 * through {@value #KEYS} stored ones, so every result is a present value.
 */
public class GetAllPublisherTckTest extends BatchPublisherVerification<Optional<String>> {
    private static final int KEYS = 64;
    private ReactiveKvsClient<String, String> rx;

    public GetAllPublisherTckTest() {
        super("tck-get");
    }

    @Override
    void prepare(ReactiveKvsClient<String, String> client) {
        rx = client;
        Long stored = rx.setAll(Flux.range(0, KEYS).map(i -> Map.entry("tck-get-" + i, "v" + i)))
                .count()
                .block();
        if (stored == null || stored != KEYS) {
            throw new IllegalStateException("stored " + stored + " of " + KEYS + " keys");
        }
    }

    @Override
    public Publisher<Optional<String>> createPublisher(long elements) {
        return rx.getAll(lazySource(elements, i -> "tck-get-" + i % KEYS), WINDOW);
    }

    @Override
    public Publisher<Optional<String>> createFailedPublisher() {
        return rx.getAll(Flux.error(new IllegalStateException("source failed")), WINDOW);
    }
}
