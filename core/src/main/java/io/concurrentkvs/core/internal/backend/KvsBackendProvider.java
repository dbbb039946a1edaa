package io.concurrentkvs.core.internal.backend;

import io.concurrentkvs.core.ConnectionOptions;
import java.util.Set;

/**
 * A backend reached by URL, found with {@link java.util.ServiceLoader} (a
 * {@code META-INF/services/io.concurrentkvs.core.internal.backend.KvsBackendProvider} entry in the
 * backend's jar), so that core depends on no backend's client library. Internal: the only provider is
 * the {@code kvs-redis} module's.
 *
 * <p>Thread safety: implementations are stateless and thread-safe; {@link #open} may be called
 * concurrently.
 */
public interface KvsBackendProvider {
    /** The URL schemes this provider opens, in lower case, such as {@code "redis"}. */
    Set<String> schemes();

    /**
     * Opens a backend for {@code url}, whose scheme is one of {@link #schemes()}.
     *
     * @throws IllegalArgumentException if the URL is malformed (the message says how)
     * @throws io.concurrentkvs.core.KvsUnavailableException if nothing answers at the address
     */
    KvsBackend open(String url, ConnectionOptions options);
}
