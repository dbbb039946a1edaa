package io.concurrentkvs.bench.load;

import io.concurrentkvs.blocking.KvsClient;
import io.concurrentkvs.core.AsyncKvsClient;
import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.ConnectionOptions;
import io.concurrentkvs.core.IdleStrategy;
import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.reactive.ReactiveKvsClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import reactor.core.publisher.Flux;

/**
 * Concurrent-KVS through its three public views over one connection with default options: the blocking
 * {@link KvsClient}, the {@link AsyncKvsClient} and the {@link ReactiveKvsClient}; exactly what an
 * application would use.
 */
final class KvsStoreClient implements StoreClient {
    private final KvsConnection connection;
    private final KvsClient<byte[], byte[]> sync;
    private final AsyncKvsClient<byte[], byte[]> async;
    private final ReactiveKvsClient<byte[], byte[]> reactive;

    /** System property naming the connection's poller idle strategy; unset means the library default. */
    static final String POLLER_PROPERTY = "bench.kvs.poller";

    KvsStoreClient(String name) {
        String poller = System.getProperty(POLLER_PROPERTY, "");
        this.connection = poller.isEmpty()
                ? KvsConnection.connect(name)
                : KvsConnection.connect(
                        name,
                        ConnectionOptions.builder()
                                .pollerIdleStrategy(IdleStrategy.parse(poller))
                                .build());
        this.sync = KvsClient.of(connection, Codecs.bytes(), Codecs.bytes());
        this.async = connection.async(Codecs.bytes(), Codecs.bytes());
        this.reactive = ReactiveKvsClient.create(connection, Codecs.bytes(), Codecs.bytes());
    }

    @Override
    public byte[] get(byte[] key) {
        return sync.get(key).orElse(null);
    }

    @Override
    public void set(byte[] key, byte[] value) {
        sync.set(key, value);
    }

    @Override
    public CompletionStage<?> getAsync(byte[] key) {
        return async.get(key);
    }

    @Override
    public CompletionStage<?> setAsync(byte[] key, byte[] value) {
        return async.set(key, value);
    }

    @Override
    public long setAll(List<Map.Entry<byte[], byte[]>> entries, int window) {
        return reactive.setAll(Flux.fromIterable(entries), window).count().block();
    }

    @Override
    public long getAll(List<byte[]> keys, int window) {
        return reactive.getAll(Flux.fromIterable(keys), window).count().block();
    }

    @Override
    public boolean supports(Scenario scenario) {
        return true;
    }

    @Override
    public void close() {
        connection.close();
    }
}
