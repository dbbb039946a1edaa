package io.concurrentkvs.redis.internal;

import io.concurrentkvs.core.ConnectionOptions;
import io.concurrentkvs.core.internal.backend.KvsBackend;
import io.concurrentkvs.core.internal.backend.KvsBackendProvider;
import io.concurrentkvs.redis.KvsRedis;
import java.util.Set;

/**
 * Opens {@code redis://}, {@code rediss://} and {@code redis-cluster://} URLs for {@code KvsConnection};
 * registered in {@code META-INF/services}. Stateless; any thread.
 */
public final class RedisBackendProvider implements KvsBackendProvider {
    private static final Set<String> SCHEMES = Set.of(KvsRedis.REDIS, KvsRedis.REDIS_TLS, KvsRedis.REDIS_CLUSTER);

    /** Called by {@link java.util.ServiceLoader}. */
    public RedisBackendProvider() {}

    @Override
    public Set<String> schemes() {
        return SCHEMES;
    }

    @Override
    public KvsBackend open(String url, ConnectionOptions options) {
        return RedisBackend.open(RedisTarget.parse(url, options.connectTimeout()), options);
    }
}
