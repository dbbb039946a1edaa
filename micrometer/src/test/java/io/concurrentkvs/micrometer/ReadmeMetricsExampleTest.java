package io.concurrentkvs.micrometer;

import static io.concurrentkvs.micrometer.TestServer.awaitTrue;

import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.core.KvsServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/**
 * Keeps the README's metrics example compiling and true: the code between its {@code README ... begin}
 * and {@code end} comments is in README.md verbatim, with {@code storeName} replaced by {@code "my_kvs"}.
 */
class ReadmeMetricsExampleTest {
    static MeterRegistry example(KvsServer server, String storeName) {
        // README metrics example: begin
        MeterRegistry registry = new SimpleMeterRegistry(); // or the application's (Prometheus, OTLP, ...)
        new KvsServerMetrics(server).bindTo(registry); // in the server's process: kvs.server.*
        try (KvsConnection connection = KvsConnection.connect(storeName);
                KvsClientMetrics clientMetrics = new KvsClientMetrics(connection)) {
            clientMetrics.bindTo(registry); // kvs.client.*
            connection.async(Codecs.string(), Codecs.string()).get("user:42").join();
            // kvs.client.requests{op=get,outcome=miss,store=my_kvs}: count 1
        } // a closed binder records no more; its meters stay in the registry
        // README metrics example: end
        return registry;
    }

    @Test
    void theMetricsExampleTimesItsGetAndTheServerCountsIt() {
        try (TestServer store = TestServer.start("readme", b -> b)) {
            MeterRegistry registry = example(store.server, store.name);
            awaitTrue(() -> {
                Timer miss = registry.find(KvsClientMetrics.REQUESTS)
                        .tags("op", "get", "outcome", "miss", "store", store.name)
                        .timer();
                return miss != null && miss.count() == 1;
            });
            awaitTrue(() -> registry.get(KvsServerMetrics.REQUESTS)
                            .tags("op", "get")
                            .functionCounter()
                            .count()
                    == 1);
        }
    }
}
