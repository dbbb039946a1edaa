package io.concurrentkvs.redis.internal;

import io.concurrentkvs.redis.KvsRedis;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A parsed connection URL: one standalone Redis, or the seed nodes of a Redis Cluster, with a description
 * that carries no credentials. Immutable; made at connect time only.
 */
final class RedisTarget {
    private final boolean cluster;
    private final List<RedisURI> uris;
    private final String description;

    private RedisTarget(boolean cluster, List<RedisURI> uris, String description) {
        this.cluster = cluster;
        this.uris = List.copyOf(uris);
        this.description = description;
    }

    /**
     * Parses {@code url}; {@code handshakeTimeout} bounds the commands Lettuce sends while it connects.
     *
     * @throws IllegalArgumentException naming the URL (without credentials) and what is wrong with it
     */
    static RedisTarget parse(String url, Duration handshakeTimeout) {
        int separator = url.indexOf("://");
        String scheme = url.substring(0, separator).toLowerCase(Locale.ROOT);
        String rest = url.substring(separator + 3);
        if (scheme.equals(KvsRedis.REDIS_CLUSTER)) {
            return parseCluster(rest, handshakeTimeout);
        }
        if (!scheme.equals(KvsRedis.REDIS) && !scheme.equals(KvsRedis.REDIS_TLS)) {
            throw new IllegalArgumentException("not a Redis URL: " + scheme + "://...");
        }
        RedisURI uri = create(scheme + "://" + rest, scheme + "://" + withoutCredentials(rest));
        uri.setTimeout(handshakeTimeout);
        String db = uri.getDatabase() == 0 ? "" : "/" + uri.getDatabase();
        return new RedisTarget(false, List.of(uri), scheme + "://" + uri.getHost() + ":" + uri.getPort() + db);
    }

    private static RedisTarget parseCluster(String rest, Duration handshakeTimeout) {
        String shown = KvsRedis.REDIS_CLUSTER + "://" + withoutCredentials(rest);
        int at = rest.lastIndexOf('@');
        String credentials = at < 0 ? "" : rest.substring(0, at + 1);
        String hosts = rest.substring(at + 1);
        if (hosts.isEmpty() || hosts.contains("/") || hosts.contains("?")) {
            throw new IllegalArgumentException("invalid Redis Cluster URL '" + shown
                    + "': use redis-cluster://host:port[,host:port...] (a cluster has no database number)");
        }
        List<RedisURI> seeds = new ArrayList<>();
        StringBuilder described = new StringBuilder(KvsRedis.REDIS_CLUSTER + "://");
        for (String node : hosts.split(",", -1)) {
            if (node.isBlank()) {
                throw new IllegalArgumentException("invalid Redis Cluster URL '" + shown + "': an empty seed node");
            }
            RedisURI seed = create("redis://" + credentials + node.strip(), shown);
            seed.setTimeout(handshakeTimeout);
            seeds.add(seed);
            described
                    .append(seeds.size() > 1 ? "," : "")
                    .append(seed.getHost())
                    .append(':')
                    .append(seed.getPort());
        }
        return new RedisTarget(true, seeds, described.toString());
    }

    private static RedisURI create(String uri, String shown) {
        try {
            RedisURI parsed = RedisURI.create(uri);
            if (parsed.getHost() == null || parsed.getHost().isEmpty()) {
                throw new IllegalArgumentException("no host");
            }
            return parsed;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid Redis URL '" + shown + "': " + e.getMessage(), e);
        }
    }

    private static String withoutCredentials(String rest) {
        int at = rest.lastIndexOf('@');
        return at < 0 ? rest : "***@" + rest.substring(at + 1);
    }

    boolean cluster() {
        return cluster;
    }

    /** The standalone server, or the cluster's seed nodes. */
    List<RedisURI> uris() {
        return uris;
    }

    /** The URL without credentials. */
    String description() {
        return description;
    }

    @Override
    public String toString() {
        return description;
    }
}
