package io.concurrentkvs.core;

import io.concurrentkvs.core.internal.backend.Backends;
import io.concurrentkvs.core.internal.backend.KvsBackend;
import io.concurrentkvs.core.internal.client.ClientEngine;
import io.concurrentkvs.core.internal.metrics.MetricsAccess;
import io.concurrentkvs.core.internal.region.RegionPaths;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A client process's connection to a store: one registration in the server's client table, its own
 * response slots, and one poller thread that completes requests. Create typed views with
 * {@link #async(Codec, Codec)} (and, in other modules, the reactive and blocking clients); all views of
 * one connection share its slots and poller.
 *
 * <p>Failure model: if the server dies, pending requests fail with {@link KvsUnavailableException}
 * within about {@link ConnectionOptions#serverTimeout()}, new calls fail fast, and the connection
 * re-attaches by itself when a server starts again on the same name. {@link #close()} fails pending
 * requests and frees the client entry.
 *
 * <p>Memory: a connection maps the region of the server it is attached to, once; it unmaps the region of
 * a server that was replaced (or whose file was removed) when it moves on, and its last mapping on
 * {@link #close()}, so neither connect/close cycles nor server restarts pile up mappings or keep
 * removed files in {@code /dev/shm}.
 *
 * <p>Other backends: {@link #connect(String)} with a {@code redis://} or {@code redis-cluster://} URL gives
 * a connection to Redis instead (module {@code kvs-redis}), with the same views and exceptions; what this
 * class says of regions, slots and the poller is then Redis's connection and its event loop instead.
 *
 * <p>Thread safety: thread-safe; share one connection per process.
 */
public final class KvsConnection implements AutoCloseable {
    static {
        // kvs-micrometer's client binder listens to the backend's requests; no public method exposes them.
        MetricsAccess.installConnectionAccess(c -> c.engine.requestListeners());
    }

    private final KvsBackend engine;

    private KvsConnection(KvsBackend engine) {
        this.engine = engine;
    }

    /**
     * Connects to the store {@code name} ("my_kvs" or "/my_kvs") with default options, or to Redis by URL.
     * Blocks until registered, up to {@link ConnectionOptions#DEFAULT_CONNECT_TIMEOUT} for a server still
     * initialising the region; starts the connection's poller thread.
     *
     * <p>A URL chooses another backend, found on the classpath: {@code redis://host:port[/db]} (a
     * standalone Redis) or {@code redis-cluster://host:port[,host:port...]} (the seed nodes of a Redis
     * Cluster) need the artifact {@code io.concurrentkvs:kvs-redis}; see its documentation for what differs
     * from shared memory. Every view of the connection works the same over either backend.
     *
     * @param name the store name: 1-200 letters, digits, {@code . _ -}, optionally after one leading slash;
     *     or a backend URL
     * @return a connection registered with the running server (or connected to Redis)
     * @throws IllegalArgumentException if {@code name} is null or not a valid store name or URL
     * @throws KvsUnavailableException if no region exists under the name or its server is not running (or
     *     nothing answers at the URL)
     * @throws KvsIncompatibleRegionException if the file under the name is not a usable region
     * @throws KvsCapacityException if the server's client table is full
     * @throws KvsException if the URL's scheme has no backend on the classpath (the message names the
     *     artifact to add)
     */
    public static KvsConnection connect(String name) {
        return connect(name, ConnectionOptions.defaults());
    }

    /**
     * Connects with the given options; see {@link #connect(String)}. The region is
     * {@link ConnectionOptions#path()} if set, else the name's default path.
     *
     * @param name the store name, as for {@link #connect(String)}
     * @param options the connection's settings
     * @return a connection registered with the running server
     * @throws NullPointerException if {@code options} is null
     * @throws IllegalArgumentException if {@code name} is null or not a valid store name
     * @throws KvsUnavailableException if no region exists there, its server is not running, or it is still
     *     initialising after {@link ConnectionOptions#connectTimeout()}
     * @throws KvsIncompatibleRegionException if the file is not a usable region
     * @throws KvsCapacityException if the server's client table is full
     */
    public static KvsConnection connect(String name, ConnectionOptions options) {
        Objects.requireNonNull(options, "options");
        Optional<String> scheme = Backends.scheme(name);
        if (scheme.isPresent()) {
            return new KvsConnection(Backends.open(name, scheme.get(), options));
        }
        String bare = RegionPaths.normalizeName(name);
        Path path = options.path().orElseGet(() -> RegionPaths.defaultPath(bare));
        return new KvsConnection(ClientEngine.connect(bare, path, options));
    }

    /**
     * A {@link java.util.concurrent.CompletableFuture} view with the given codecs. Cheap: views share this
     * connection's slots and poller, and closing the connection fails them all.
     *
     * @param <K> key type
     * @param <V> value type
     * @param keyCodec encodes and decodes keys
     * @param valueCodec encodes and decodes values
     * @return a new thread-safe view
     * @throws NullPointerException if a codec is null
     */
    public <K, V> AsyncKvsClient<K, V> async(Codec<K> keyCodec, Codec<V> valueCodec) {
        return new AsyncKvsClient<>(this, keyCodec, valueCodec);
    }

    /**
     * The store name.
     *
     * @return the name given to {@code connect}, without a leading slash; for a URL connection, the URL
     *     without credentials
     */
    public String name() {
        return engine.name();
    }

    /**
     * The region file.
     *
     * @return the path of the region this connection attaches to
     * @throws UnsupportedOperationException for a connection by URL (Redis), which has none
     */
    public Path path() {
        return engine.path();
    }

    /**
     * The settings this connection was made with.
     *
     * @return the connection's options
     */
    public ConnectionOptions options() {
        return engine.options();
    }

    /**
     * Largest encoded key the server accepts, read from the region (the current server's, or the last one
     * seen while none is attached); over Redis, 512 MiB.
     *
     * @return the key limit in bytes; a longer key fails at the call with {@link IllegalArgumentException}
     */
    public int maxKeyBytes() {
        return engine.maxKeyBytes();
    }

    /**
     * Largest encoded value the server accepts, read from the region (the current server's, or the last one
     * seen while none is attached); over Redis, 512 MiB.
     *
     * @return the value limit in bytes; a longer value fails at the call with {@link IllegalArgumentException}
     */
    public int maxValueBytes() {
        return engine.maxValueBytes();
    }

    /**
     * Whether a live, running server is attached right now. A snapshot: it may change at once.
     *
     * @return {@code true} if requests can be sent now; {@code false} after {@link #close()}, or while no
     *     live server is attached
     */
    public boolean isConnected() {
        return engine.isConnected();
    }

    /**
     * Requests sent and not yet answered, timed out or cancelled. A snapshot, for monitoring.
     *
     * @return requests holding response slots or on their way to free ones, at most the number of slots;
     *     requests still waiting for a slot are not counted
     */
    public int inFlight() {
        return engine.inFlight();
    }

    /**
     * The backend shared by every client view. Package-private: the reactive and blocking views reach it
     * only through {@link AsyncKvsClient}.
     */
    KvsBackend engine() {
        return engine;
    }

    /** Fails pending requests, frees this client's entry, stops the poller and unmaps the region. Idempotent. */
    @Override
    public void close() {
        engine.close();
    }
}
