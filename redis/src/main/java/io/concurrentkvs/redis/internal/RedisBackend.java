package io.concurrentkvs.redis.internal;

import io.concurrentkvs.core.ConnectionOptions;
import io.concurrentkvs.core.KvsCapacityException;
import io.concurrentkvs.core.KvsUnavailableException;
import io.concurrentkvs.core.internal.backend.KvsBackend;
import io.concurrentkvs.core.internal.client.ResponseDecoder;
import io.concurrentkvs.core.internal.metrics.RequestListeners;
import io.concurrentkvs.core.internal.ring.Opcodes;
import io.concurrentkvs.redis.KvsRedis;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.ConnectionIntent;
import io.lettuce.core.resource.ClientResources;
import io.netty.util.Timer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Redis backend of one {@code KvsConnection}: one Lettuce connection (standalone, or a cluster
 * connection that routes each key to its master) with its own client resources, and the mapping of the
 * views' requests onto {@code GET}, {@code SET}, {@code SET NX} and {@code DEL}.
 *
 * <p>{@link #submit} runs on the caller's thread and hands the command to Lettuce, which writes it at once
 * (auto-flush), so requests in flight together share the connection as a pipeline. Replies complete
 * requests on Lettuce's I/O threads. Field owners: {@link #closed} is written by {@link #close};
 * {@link #unanswered} is incremented by callers and decremented by {@link RedisRequest#accept}.
 *
 * <p>Thread safety: thread-safe.
 */
final class RedisBackend implements KvsBackend {
    /** How long {@link #close} waits for Lettuce's threads to end. */
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

    private static final SetArgs IF_ABSENT = SetArgs.Builder.nx();

    private final String name;
    private final ConnectionOptions options;
    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final StatefulConnection<byte[], byte[]> connection;
    private final RedisClusterAsyncCommands<byte[], byte[]> commands;
    private final Timer timer;
    private final Executor completionExecutor;
    private final int maxUnanswered;
    /** Commands given to Lettuce that it has not completed yet (answered, failed or dropped). */
    private final AtomicInteger unanswered = new AtomicInteger();

    private final RequestListeners requestListeners = new RequestListeners();

    private volatile boolean closed;

    private RedisBackend(
            String name,
            ConnectionOptions options,
            ClientResources resources,
            AbstractRedisClient client,
            StatefulConnection<byte[], byte[]> connection,
            RedisClusterAsyncCommands<byte[], byte[]> commands) {
        this.name = name;
        this.options = options;
        this.resources = resources;
        this.client = client;
        this.connection = connection;
        this.commands = commands;
        this.timer = resources.timer();
        this.completionExecutor = options.completionExecutor().orElse(null);
        this.maxUnanswered = options.maxWaitingRequests();
    }

    /**
     * Connects to {@code target}.
     *
     * @throws KvsUnavailableException if it cannot connect within {@code options.connectTimeout()}
     */
    static RedisBackend open(RedisTarget target, ConnectionOptions options) {
        ClientResources resources = LettuceSetup.resources();
        AbstractRedisClient client = null;
        try {
            if (target.cluster()) {
                RedisClusterClient cluster = RedisClusterClient.create(resources, target.uris());
                client = cluster;
                cluster.setOptions(LettuceSetup.cluster(options));
                StatefulRedisClusterConnection<byte[], byte[]> c = cluster.connect(ByteArrayCodec.INSTANCE);
                connectToEveryMaster(c);
                return new RedisBackend(target.description(), options, resources, cluster, c, c.async());
            }
            RedisClient standalone = RedisClient.create(resources, target.uris().get(0));
            client = standalone;
            standalone.setOptions(LettuceSetup.standalone(options));
            StatefulRedisConnection<byte[], byte[]> c = standalone.connect(ByteArrayCodec.INSTANCE);
            return new RedisBackend(target.description(), options, resources, standalone, c, c.async());
        } catch (RuntimeException e) {
            shutdown(client, resources);
            throw new KvsUnavailableException(
                    "cannot connect to " + target.description() + ": " + RedisFailures.rootMessage(e), e);
        }
    }

    /**
     * Opens the connection to each master now: Lettuce opens node connections on first use, and one that is
     * still connecting rejects commands (we reject rather than queue while disconnected).
     */
    private static void connectToEveryMaster(StatefulRedisClusterConnection<byte[], byte[]> connection) {
        for (RedisClusterNode node : connection.getPartitions()) {
            if (node.getRole().isUpstream()) {
                // By host and port: the key under which Lettuce routes a slot's commands.
                connection.getConnection(node.getUri().getHost(), node.getUri().getPort(), ConnectionIntent.WRITE);
            }
        }
    }

    @Override
    public <T> CompletableFuture<T> submit(
            int opcode, byte[] key, byte[] value, ResponseDecoder<T> decoder, long timeoutNanos) {
        RedisRequest<T> request = new RedisRequest<>(this, opcode, decoder, timeoutNanos);
        if (closed) {
            request.completeExceptionally(new KvsUnavailableException(
                    "connection to " + name + " is closed: " + request.describe() + " not sent"));
            return request;
        }
        if (unanswered.incrementAndGet() > maxUnanswered) {
            unanswered.decrementAndGet();
            request.completeExceptionally(new KvsCapacityException("too many requests without an answer on " + name
                    + " (limit " + maxUnanswered + "): slow down or raise maxWaitingRequests"));
            return request;
        }
        request.armTimeout(timer);
        RedisFuture<?> command;
        try {
            command = send(opcode, key, value);
        } catch (RuntimeException e) {
            request.accept(null, e);
            return request;
        }
        command.whenComplete(request);
        return request;
    }

    private RedisFuture<?> send(int opcode, byte[] key, byte[] value) {
        switch (opcode) {
            case Opcodes.GET:
                return commands.get(key);
            case Opcodes.SET:
                return commands.set(key, value);
            case Opcodes.POST:
                return commands.set(key, value, IF_ABSENT);
            case Opcodes.DEL:
                return commands.del(key);
            default:
                throw new IllegalArgumentException("unknown opcode " + opcode);
        }
    }

    /** A command completed. Lettuce's threads. */
    void answered() {
        unanswered.decrementAndGet();
    }

    /** Where completions run, or null for Lettuce's I/O thread. */
    @Override
    public RequestListeners requestListeners() {
        return requestListeners;
    }

    Executor completionExecutor() {
        return completionExecutor;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Path path() {
        throw new UnsupportedOperationException("a connection to " + name + " has no region file");
    }

    @Override
    public ConnectionOptions options() {
        return options;
    }

    @Override
    public int maxKeyBytes() {
        return KvsRedis.MAX_BULK_BYTES;
    }

    @Override
    public int maxValueBytes() {
        return KvsRedis.MAX_BULK_BYTES;
    }

    @Override
    public boolean isConnected() {
        return !closed && connection.isOpen();
    }

    /**
     * Commands Lettuce has not completed: a request that timed out still counts until Redis answers it or
     * the connection drops, because Lettuce holds it until then.
     */
    @Override
    public int inFlight() {
        return Math.max(0, unanswered.get());
    }

    /** Closes the connection (pending requests fail), then ends Lettuce's threads. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            connection.close();
        } finally {
            shutdown(client, resources);
        }
    }

    private static void shutdown(AbstractRedisClient client, ClientResources resources) {
        try {
            if (client != null) {
                client.shutdown(Duration.ZERO, SHUTDOWN_TIMEOUT);
            }
        } finally {
            resources
                    .shutdown(0, SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .awaitUninterruptibly(SHUTDOWN_TIMEOUT.toMillis());
        }
    }
}
