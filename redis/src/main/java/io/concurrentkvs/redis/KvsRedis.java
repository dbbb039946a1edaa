package io.concurrentkvs.redis;

/**
 * The connection strings this module adds to {@code KvsConnection.connect}, and what differs from shared
 * memory. There is nothing to call here: {@code KvsConnection} finds this module on the classpath by
 * itself.
 *
 * <ul>
 *   <li>{@value #REDIS}{@code ://[[user]:password@]host[:port][/db]}: one standalone Redis (port 6379
 *       and database 0 by default); {@value #REDIS_TLS}{@code ://...} the same over TLS.
 *   <li>{@value #REDIS_CLUSTER}{@code ://[[user]:password@]host:port[,host:port...]}: seed nodes of a
 *       Redis Cluster; the client learns the topology from them, follows {@code MOVED}/{@code ASK}
 *       redirects and refreshes its view of the slots when they move.
 * </ul>
 *
 * <p>Mapping: {@code get} is {@code GET}, {@code set} is {@code SET}, {@code post} is {@code SET NX},
 * {@code del} is {@code DEL}; keys and values are the codecs' bytes, unchanged. {@code setAll} and
 * {@code getAll} keep their bounded window and are pipelined on the one connection. A request's timeout
 * ({@code ConnectionOptions.defaultTimeout()} unless given) fails it with {@code KvsTimeoutException}; a
 * lost or refused connection fails requests with {@code KvsUnavailableException} at once (nothing is
 * queued while disconnected, nothing is re-sent after a reconnect), and the connection reconnects by
 * itself, retrying at least once a second. {@code connectTimeout} bounds the first connect and each
 * reconnect; {@code maxWaitingRequests} bounds requests without an answer yet
 * ({@code KvsCapacityException} beyond it); the shared-memory options (path, sync spin, poller idle
 * strategy, server timeout) do not apply.
 *
 * <p>Durability and consistency are Redis's, not the shared-memory store's: Redis Cluster replicates
 * asynchronously, so an acknowledged write can be lost when a master fails over. See docs/REDIS.md.
 *
 * <p>Threads: futures complete, and reactive signals arrive, on Lettuce's I/O threads (or the
 * connection's completion executor); do not block in callbacks there. {@code KvsConnection.close()}
 * shuts the connection's Lettuce client and threads down.
 */
public final class KvsRedis {
    /** The scheme of a standalone Redis. */
    public static final String REDIS = "redis";

    /** The scheme of a standalone Redis over TLS. */
    public static final String REDIS_TLS = "rediss";

    /** The scheme of a Redis Cluster given by seed nodes. */
    public static final String REDIS_CLUSTER = "redis-cluster";

    /** The largest key or value Redis accepts by default ({@code proto-max-bulk-len}, 512 MiB). */
    public static final int MAX_BULK_BYTES = 512 * 1024 * 1024;

    private KvsRedis() {}
}
