package io.concurrentkvs.blocking;

import io.concurrentkvs.core.AsyncKvsClient;
import io.concurrentkvs.core.Codec;
import io.concurrentkvs.core.ConnectionOptions;
import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.core.KvsException;
import io.concurrentkvs.core.KvsTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The synchronous client, with the original C++ library's API: {@code get/set/post/del} with a
 * millisecond timeout, plus their {@code ...Async} variants returning {@link CompletableFuture}.
 *
 * <p>A call without a timeout uses its connection's {@link ConnectionOptions#defaultTimeout()}, as the
 * async and reactive views of the same connection do: {@value #DEFAULT_TIMEOUT_MS} ms unless the
 * connection was configured otherwise.
 *
 * <p>Unlike the original, a failure is never a silent {@code false}: {@code false} and
 * {@link Optional#empty()} only mean the answer (key absent for get/del, key present for post), and a
 * failure throws a {@link KvsException} — {@link KvsTimeoutException} when no answer arrived in time,
 * {@link io.concurrentkvs.core.KvsUnavailableException} when no live server could answer. Invalid input
 * (null, or over the region's size limits) throws at the call, before anything is sent.
 *
 * <p>A blocking call spins briefly polling for its own answer before it parks, so a round trip under load
 * costs no thread wake-up. If the calling thread is interrupted while waiting, the request is cancelled,
 * the interrupt flag is restored and a {@link KvsException} is thrown.
 *
 * <p>Thread safety: thread-safe. Closing a client made by {@link #connect} closes its connection; a
 * client made by {@link #of} leaves the connection open.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class KvsClient<K, V> implements AutoCloseable {
    /**
     * The original library's default timeout, which is also {@link ConnectionOptions#DEFAULT_TIMEOUT}: the
     * timeout of calls without one on a connection with default options. A connection configured with
     * another {@link ConnectionOptions#defaultTimeout()} uses that one instead.
     */
    public static final long DEFAULT_TIMEOUT_MS = 5000;

    /** How much longer than the request's timeout a call waits on its future (see {@link #await}). */
    private static final long AWAIT_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final AsyncKvsClient<K, V> async;
    private final boolean ownsConnection;

    private KvsClient(AsyncKvsClient<K, V> async, boolean ownsConnection) {
        this.async = async;
        this.ownsConnection = ownsConnection;
    }

    /** Connects to the store {@code name}; closing the client closes the connection. */
    public static <K, V> KvsClient<K, V> connect(String name, Codec<K> keyCodec, Codec<V> valueCodec) {
        return connect(name, ConnectionOptions.defaults(), keyCodec, valueCodec);
    }

    /** Connects with options; closing the client closes the connection. */
    public static <K, V> KvsClient<K, V> connect(
            String name, ConnectionOptions options, Codec<K> keyCodec, Codec<V> valueCodec) {
        KvsConnection connection = KvsConnection.connect(name, options);
        try {
            return new KvsClient<>(connection.async(keyCodec, valueCodec), true);
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** A view over an existing connection, which stays open when this client is closed. */
    public static <K, V> KvsClient<K, V> of(KvsConnection connection, Codec<K> keyCodec, Codec<V> valueCodec) {
        return new KvsClient<>(connection.async(keyCodec, valueCodec), false);
    }

    public KvsConnection connection() {
        return async.connection();
    }

    /** The asynchronous view this client wraps. */
    public AsyncKvsClient<K, V> async() {
        return async;
    }

    /** As {@link #get(Object, long)} with the connection's default timeout. */
    public Optional<V> get(K key) {
        return await(async.get(key), async.connection().options().defaultTimeout());
    }

    /** The value under {@code key}, or empty if absent. */
    public Optional<V> get(K key, long timeoutMs) {
        Duration timeout = timeout(timeoutMs);
        return await(async.get(key, timeout), timeout);
    }

    /** As {@link #set(Object, Object, long)} with the connection's default timeout. */
    public boolean set(K key, V value) {
        return await(async.set(key, value), async.connection().options().defaultTimeout());
    }

    /** Inserts or updates; true once stored. */
    public boolean set(K key, V value, long timeoutMs) {
        Duration timeout = timeout(timeoutMs);
        return await(async.set(key, value, timeout), timeout);
    }

    /** As {@link #post(Object, Object, long)} with the connection's default timeout. */
    public boolean post(K key, V value) {
        return await(async.post(key, value), async.connection().options().defaultTimeout());
    }

    /** Inserts only; false if the key was present. */
    public boolean post(K key, V value, long timeoutMs) {
        Duration timeout = timeout(timeoutMs);
        return await(async.post(key, value, timeout), timeout);
    }

    /** As {@link #del(Object, long)} with the connection's default timeout. */
    public boolean del(K key) {
        return await(async.del(key), async.connection().options().defaultTimeout());
    }

    /** Deletes; false if the key was absent. */
    public boolean del(K key, long timeoutMs) {
        Duration timeout = timeout(timeoutMs);
        return await(async.del(key, timeout), timeout);
    }

    public CompletableFuture<Optional<V>> getAsync(K key) {
        return async.get(key);
    }

    public CompletableFuture<Optional<V>> getAsync(K key, long timeoutMs) {
        return async.get(key, timeout(timeoutMs));
    }

    public CompletableFuture<Boolean> setAsync(K key, V value) {
        return async.set(key, value);
    }

    public CompletableFuture<Boolean> setAsync(K key, V value, long timeoutMs) {
        return async.set(key, value, timeout(timeoutMs));
    }

    public CompletableFuture<Boolean> postAsync(K key, V value) {
        return async.post(key, value);
    }

    public CompletableFuture<Boolean> postAsync(K key, V value, long timeoutMs) {
        return async.post(key, value, timeout(timeoutMs));
    }

    public CompletableFuture<Boolean> delAsync(K key) {
        return async.del(key);
    }

    public CompletableFuture<Boolean> delAsync(K key, long timeoutMs) {
        return async.del(key, timeout(timeoutMs));
    }

    private static Duration timeout(long timeoutMs) {
        if (timeoutMs <= 0) {
            throw new IllegalArgumentException("timeoutMs must be positive: " + timeoutMs);
        }
        return Duration.ofMillis(timeoutMs);
    }

    /**
     * Waits for a request's future. The request's own timeout fails it from the poller; the extra grace
     * here only guards against a poller that cannot run.
     */
    private static <T> T await(CompletableFuture<T> future, Duration timeout) {
        try {
            long nanos = timeout.toNanos();
            // Saturating: a timeout of centuries must not wrap into a negative wait.
            return future.get(
                    nanos > Long.MAX_VALUE - AWAIT_GRACE_NANOS ? Long.MAX_VALUE : nanos + AWAIT_GRACE_NANOS,
                    TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new KvsTimeoutException("no answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            future.cancel(false);
            Thread.currentThread().interrupt();
            throw new KvsException("interrupted while waiting for an answer", e);
        } catch (CancellationException e) {
            throw new KvsException("request was cancelled", e);
        }
    }

    private static RuntimeException unwrap(Throwable cause) {
        if (cause instanceof RuntimeException) {
            return (RuntimeException) cause;
        }
        if (cause instanceof Error) {
            throw (Error) cause;
        }
        return new KvsException("request failed: " + cause, cause);
    }

    /** Closes the connection if this client opened it. */
    @Override
    public void close() {
        if (ownsConnection) {
            async.connection().close();
        }
    }
}
