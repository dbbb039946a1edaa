/**
 * The kvs client API over Redis and Redis Cluster: put {@code kvs-redis} on the classpath and connect with
 * a URL, {@code KvsConnection.connect("redis://host:port[/db]")} or
 * {@code KvsConnection.connect("redis-cluster://host:port[,host:port...]")}; the async, reactive and
 * blocking views then work as over shared memory. See {@link io.concurrentkvs.redis.KvsRedis} for the
 * URL forms and what differs.
 */
package io.concurrentkvs.redis;
