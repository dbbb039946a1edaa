package io.concurrentkvs.reactive;

import java.util.Map;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/** {@link ReactiveKvsClient#setAll} against the Reactive Streams TCK's publisher rules. */
public class SetAllPublisherTckTest extends BatchPublisherVerification<Boolean> {
    private ReactiveKvsClient<String, String> rx;

    public SetAllPublisherTckTest() {
        super("tck-set");
    }

    @Override
    void prepare(ReactiveKvsClient<String, String> client) {
        rx = client;
    }

    @Override
    public Publisher<Boolean> createPublisher(long elements) {
        return rx.setAll(lazySource(elements, i -> Map.entry("tck-set-" + i % 64, "v" + i)), WINDOW);
    }

    @Override
    public Publisher<Boolean> createFailedPublisher() {
        return rx.setAll(Flux.error(new IllegalStateException("source failed")), WINDOW);
    }
}
