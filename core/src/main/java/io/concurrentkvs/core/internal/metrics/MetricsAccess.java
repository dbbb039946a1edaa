package io.concurrentkvs.core.internal.metrics;

import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.core.KvsServer;
import java.util.Objects;
import java.util.function.Function;

/**
 * How the {@code kvs-micrometer} binders reach what a connection or a server keeps for metrics without a
 * public method on {@link KvsConnection} or {@link KvsServer}: each class hands this bridge an accessor
 * from its static initializer (the way the JDK's {@code SharedSecrets} do), so only code that imports
 * this internal package can reach them.
 *
 * <p>An accessor is installed before the first instance of its class exists, since class initialization
 * precedes any constructor: a caller holding an instance always finds it. Thread-safe.
 */
public final class MetricsAccess {
    private static volatile Function<KvsConnection, RequestListeners> connections;
    private static volatile Function<KvsServer, ServedRequests> servers;

    private MetricsAccess() {}

    /** Called once, by {@link KvsConnection}'s static initializer. */
    public static void installConnectionAccess(Function<KvsConnection, RequestListeners> accessor) {
        if (connections != null) {
            throw new IllegalStateException("connection access is installed already");
        }
        connections = Objects.requireNonNull(accessor, "accessor");
    }

    /** Called once, by {@link KvsServer}'s static initializer. */
    public static void installServerAccess(Function<KvsServer, ServedRequests> accessor) {
        if (servers != null) {
            throw new IllegalStateException("server access is installed already");
        }
        servers = Objects.requireNonNull(accessor, "accessor");
    }

    /** The listeners of {@code connection}'s requests. */
    public static RequestListeners requestListeners(KvsConnection connection) {
        Objects.requireNonNull(connection, "connection");
        return connections.apply(connection);
    }

    /** The requests {@code server} has served. */
    public static ServedRequests servedRequests(KvsServer server) {
        Objects.requireNonNull(server, "server");
        return servers.apply(server);
    }
}
