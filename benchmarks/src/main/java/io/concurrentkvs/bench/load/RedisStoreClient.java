package io.concurrentkvs.bench.load;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import reactor.core.publisher.Flux;

/**
 * Redis through Lettuce, one connection per process with its three views (sync, async, reactive), over
 * loopback TCP. The batch calls use {@code flatMapSequential} with the same window as our
 * {@code setAll}/{@code getAll}: ordered answers, bounded in flight, the closest Lettuce equivalent.
 */
final class RedisStoreClient implements StoreClient {
    private final RedisClient client;
    private final StatefulRedisConnection<byte[], byte[]> connection;
    private final RedisCommands<byte[], byte[]> sync;
    private final RedisAsyncCommands<byte[], byte[]> async;
    private final RedisReactiveCommands<byte[], byte[]> reactive;

    RedisStoreClient(int port) {
        this.client = RedisClient.create(RedisURI.create("127.0.0.1", port));
        this.connection = client.connect(ByteArrayCodec.INSTANCE);
        this.sync = connection.sync();
        this.async = connection.async();
        this.reactive = connection.reactive();
    }

    void flushAll() {
        sync.flushall();
    }

    @Override
    public byte[] get(byte[] key) {
        return sync.get(key);
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
        return Flux.fromIterable(entries)
                .flatMapSequential(e -> reactive.set(e.getKey(), e.getValue()), window)
                .count()
                .block();
    }

    @Override
    public long getAll(List<byte[]> keys, int window) {
        // An absent key completes empty in Lettuce; count answers, present or not, as our getAll does.
        return Flux.fromIterable(keys)
                .flatMapSequential(k -> reactive.get(k).defaultIfEmpty(new byte[0]), window)
                .count()
                .block();
    }

    @Override
    public boolean supports(Scenario scenario) {
        return true;
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
