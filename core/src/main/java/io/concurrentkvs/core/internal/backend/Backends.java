package io.concurrentkvs.core.internal.backend;

import io.concurrentkvs.core.ConnectionOptions;
import io.concurrentkvs.core.KvsException;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Chooses the backend of a connection string: a store name goes to shared memory, a URL
 * ({@code scheme://...}) to the {@link KvsBackendProvider} on the classpath that opens its scheme. Any
 * thread; the lookup runs at connect time, never on the request path.
 */
public final class Backends {
    /** The artifact that provides the {@code redis} and {@code redis-cluster} schemes. */
    public static final String REDIS_ARTIFACT = "io.concurrentkvs:kvs-redis";

    private static final String SEPARATOR = "://";

    private Backends() {}

    /** The URL scheme of {@code target} in lower case, or empty if it is a store name. */
    public static Optional<String> scheme(String target) {
        if (target == null) {
            return Optional.empty();
        }
        int end = target.indexOf(SEPARATOR);
        return end > 0 ? Optional.of(target.substring(0, end).toLowerCase(Locale.ROOT)) : Optional.empty();
    }

    /**
     * Opens the backend of a URL through its provider.
     *
     * @throws KvsException naming the artifact to add if no provider on the classpath opens the scheme
     */
    public static KvsBackend open(String url, String scheme, ConnectionOptions options) {
        if (options.path().isPresent()) {
            throw new IllegalArgumentException("ConnectionOptions.path is for shared-memory stores; '" + scheme
                    + "' connections have no region file");
        }
        for (KvsBackendProvider provider :
                ServiceLoader.load(KvsBackendProvider.class, Backends.class.getClassLoader())) {
            if (provider.schemes().contains(scheme)) {
                return provider.open(url, options);
            }
        }
        if (scheme.equals("redis") || scheme.equals("redis-cluster") || scheme.equals("rediss")) {
            throw new KvsException("no backend for '" + scheme + "://' URLs on the classpath: add the artifact "
                    + REDIS_ARTIFACT + " (module redis) to use Redis");
        }
        throw new KvsException("unknown connection scheme '" + scheme
                + "://': use a store name for shared memory, or redis:// or redis-cluster:// with "
                + REDIS_ARTIFACT + " on the classpath");
    }
}
