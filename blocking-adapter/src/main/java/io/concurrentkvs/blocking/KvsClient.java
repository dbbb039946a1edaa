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

    /**
     * Connects to the store {@code name} with default {@link ConnectionOptions}; closing the client closes the
     * connection. See {@link KvsConnection#connect(String)}.
     *
     * @param <K> key type
     * @param <V> value type
     * @param name the store name, "my_kvs" or "/my_kvs"
     * @param keyCodec encodes and decodes keys
     * @param valueCodec encodes and decodes values
     * @return a client that owns its new connection
     * @throws IllegalArgumentException if {@code name} is null or not a valid store name
     * @throws io.concurrentkvs.core.KvsUnavailableException if no region exists under the name or its server
     *     is not running
     * @throws io.concurrentkvs.core.KvsIncompatibleRegionException if the file under the name is not a usable
     *     region
     * @throws io.concurrentkvs.core.KvsCapacityException if the server's client table is full
     * @throws NullPointerException if a codec is null (the connection just made is closed again)
     */
    public static <K, V> KvsClient<K, V> connect(String name, Codec<K> keyCodec, Codec<V> valueCodec) {
        return connect(name, ConnectionOptions.defaults(), keyCodec, valueCodec);
    }

    /**
     * Connects with options; closing the client closes the connection. See
     * {@link KvsConnection#connect(String, ConnectionOptions)}.
     *
     * @param <K> key type
     * @param <V> value type
     * @param name the store name, "my_kvs" or "/my_kvs"
     * @param options the connection's settings, including the default timeout
     * @param keyCodec encodes and decodes keys
     * @param valueCodec encodes and decodes values
     * @return a client that owns its new connection
     * @throws IllegalArgumentException if {@code name} is null or not a valid store name
     * @throws io.concurrentkvs.core.KvsUnavailableException if no region exists under the name or its server
     *     is not running
     * @throws io.concurrentkvs.core.KvsIncompatibleRegionException if the file under the name is not a usable
     *     region
     * @throws io.concurrentkvs.core.KvsCapacityException if the server's client table is full
     * @throws NullPointerException if {@code options} or a codec is null (the connection just made is closed again)
     */
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

    /**
     * A view over an existing connection, which stays open when this client is closed.
     *
     * @param <K> key type
     * @param <V> value type
     * @param connection the connection to send through
     * @param keyCodec encodes and decodes keys
     * @param valueCodec encodes and decodes values
     * @return a client that does not own the connection
     * @throws NullPointerException if an argument is null
     */
    public static <K, V> KvsClient<K, V> of(KvsConnection connection, Codec<K> keyCodec, Codec<V> valueCodec) {
        return new KvsClient<>(connection.async(keyCodec, valueCodec), false);
    }

    /**
     * The connection this client sends through.
     *
     * @return the connection, owned by this client only if it was made by {@code connect}
     */
    public KvsConnection connection() {
        return async.connection();
    }

    /**
     * The asynchronous view this client wraps.
     *
     * @return the async client over the same connection and codecs
     */
    public AsyncKvsClient<K, V> async() {
        return async;
    }

    /**
     * As {@link #get(Object, long)} with the connection's {@link ConnectionOptions#defaultTimeout() default
     * timeout}.
     *
     * @param key the key
     * @return the value, or empty if the key is absent
     * @throws KvsTimeoutException if no answer arrived in time
     * @throws io.concurrentkvs.core.KvsUnavailableException if no live server could answer, or the connection
     *     is closed
     * @throws io.concurrentkvs.core.KvsCapacityException if too many requests wait for a response slot
     * @throws KvsException if the value cannot be decoded, or the thread was interrupted while waiting (the
     *     interrupt flag is restored)
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if the encoded key exceeds the region's limit
     */
    public Optional<V> get(K key) {
        return await(async.get(key), async.connection().options().defaultTimeout());
    }

    /**
     * Reads the value under {@code key}; blocks until the answer, at most about {@code timeoutMs}.
     *
     * @param key the key
     * @param timeoutMs how long to wait for the answer, in milliseconds, positive
     * @return the value, or empty if the key is absent (an empty value, zero bytes, is present)
     * @throws KvsTimeoutException if no answer arrived in time
     * @throws io.concurrentkvs.core.KvsUnavailableException if no live server could answer, or the connection
     *     is closed
     * @throws io.concurrentkvs.core.KvsCapacityException if too many requests wait for a response slot
     * @throws KvsException if the value cannot be decoded, or the thread was interrupted while waiting (the
     *     interrupt flag is restored)
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if the encoded key exceeds the region's limit, or {@code timeoutMs} is
     *     not positive
     */
    public Optional<V> get(K key, long timeoutMs) {
        Duration timeout = timeout(timeoutMs);
        return await(async.get(key, timeout), timeout);
    }

    /**
     * As {@link #set(Object, Object, long)} with the connection's {@link ConnectionOptions#defaultTimeout()
     * default timeout}.
     *
     * @param key the key
     * @param value the value; zero bytes is a value
     * @return {@code true} once the value is stored
     * @throws KvsTimeoutException if no answer arrived in time (the write may still take effect)
     * @throws io.concurrentkvs.core.KvsUnavailableException if no live server could answer, or the connection
     *     is closed
     * @throws io.concurrentkvs.core.KvsCapacityException if the store is full (nothing was applied), or too
     *     many requests wait for a response slot
     * @throws KvsException if the server's persistence log refused the write, or the thread was interrupted
     *     while waiting (the interrupt flag is restored)
     * @throws NullPointerException if {@code key} or {@code value} is null
     * @throws IllegalArgumentException if the encoded key or value exceeds the region's limit
     */
    public boolean set(K key, V value) {
        return await(async.set(key, value), async.connection().options().defaultTimeout());
    }

    /**
     * Inserts or updates {@code key}; blocks until the answer, at most about {@code timeoutMs}.
     *
     * @param key the key
     * @param value the value; zero bytes is a value
     * @param timeoutMs how long to wait for the answer, in milliseconds, positive
     * @return {@code true} once the value is stored
     * @throws KvsTimeoutException if no answer arrived in time (the write may still take effect)
     * @throws io.concurrentkvs.core.KvsUnavailableException if no live server could answer, or the connection
     *     is closed
     * @throws io.concurrentkvs.core.KvsCapacityException if the store is full (nothing was applied), or too
     *     many requests wait for a response slot
     * @throws KvsException if the server's persistence log refused the write, or the thread was interrupted
     *     while waiting (the interrupt flag is restored)
     * @throws NullPointerException if {@code key} or {@code value} is null
     * @throws IllegalArgumentException if the encoded key or value exceeds the region's limit, or {@code timeoutMs} is
     *     not positive
     */
    public boolean set(K key, V value, long timeoutMs) {
        Duration timeout = timeout(timeoutMs);
        return await(async.set(key, value, timeout), timeout);
    }

    /**
     * As {@link #post(Object, Object, long)} with the connection's {@link ConnectionOptions#defaultTimeout()
     * default timeout}.
     *
     * @param key the key
     * @param value the value; zero bytes is a value
     * @return {@code true} if inserted, {@code false} if the key was present (its value is unchanged)
     * @throws KvsTimeoutException if no answer arrived in time (the write may still take effect)
     * @throws io.concurrentkvs.core.KvsUnavailableException if no live server could answer, or the connection
     *     is closed
     * @throws io.concurrentkvs.core.KvsCapacityException if the store is full (nothing was applied), or too
     *     many requests wait for a response slot
     * @throws KvsException if the server's persistence log refused the write, or the thread was interrupted
     *     while waiting (the interrupt flag is restored)
     * @throws NullPointerException if {@code key} or {@code value} is null
     * @throws IllegalArgumentException if the encoded key or value exceeds the region's limit
     */
    public boolean post(K key, V value) {
        return await(async.post(key, value), async.connection().options().defaultTimeout());
    }

    /**
     * Inserts {@code key} only if it is absent; blocks until the answer, at most about {@code timeoutMs}.
     *
     * @param key the key
     * @param value the value; zero bytes is a value
     * @param timeoutMs how long to wait for the answer, in milliseconds, positive
     * @return {@code true} if inserted, {@code false} if the key was present (its value is unchanged)
     * @throws KvsTimeoutException if no answer arrived in time (the write may still take effect)
     * @throws io.concurrentkvs.core.KvsUnavailableException if no live server could answer, or the connection
     *     is closed
     * @throws io.concurrentkvs.core.KvsCapacityException if the store is full (nothing was applied), or too
     *     many requests wait for a response slot
     * @throws KvsException if the server's persistence log refused the write, or the thread was interrupted
     *     while waiting (the interrupt flag is restored)
     * @throws NullPointerException if {@code key} or {@code value} is null
     * @throws IllegalArgumentException if the encoded key or value exceeds the region's limit, or {@code timeoutMs} is
     *     not positive
     */
    public boolean post(K key, V value, long timeoutMs) {
        Duration timeout = timeout(timeoutMs);
        return await(async.post(key, value, timeout), timeout);
    }

    /**
     * As {@link #del(Object, long)} with the connection's {@link ConnectionOptions#defaultTimeout() default
     * timeout}.
     *
     * @param key the key
     * @return {@code true} if the key was present and is now deleted, {@code false} if it was absent
     * @throws KvsTimeoutException if no answer arrived in time (the write may still take effect)
     * @throws io.concurrentkvs.core.KvsUnavailableException if no live server could answer, or the connection
     *     is closed
     * @throws io.concurrentkvs.core.KvsCapacityException if the store is full (nothing was applied), or too
     *     many requests wait for a response slot
     * @throws KvsException if the server's persistence log refused the write, or the thread was interrupted
     *     while waiting (the interrupt flag is restored)
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if the encoded key exceeds the region's limit
     */
    public boolean del(K key) {
        return await(async.del(key), async.connection().options().defaultTimeout());
    }

    /**
     * Deletes {@code key}; blocks until the answer, at most about {@code timeoutMs}.
     *
     * @param key the key
     * @param timeoutMs how long to wait for the answer, in milliseconds, positive
     * @return {@code true} if the key was present and is now deleted, {@code false} if it was absent
     * @throws KvsTimeoutException if no answer arrived in time (the write may still take effect)
     * @throws io.concurrentkvs.core.KvsUnavailableException if no live server could answer, or the connection
     *     is closed
     * @throws io.concurrentkvs.core.KvsCapacityException if the store is full (nothing was applied), or too
     *     many requests wait for a response slot
     * @throws KvsException if the server's persistence log refused the write, or the thread was interrupted
     *     while waiting (the interrupt flag is restored)
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if the encoded key exceeds the region's limit, or {@code timeoutMs} is
     *     not positive
     */
    public boolean del(K key, long timeoutMs) {
        Duration timeout = timeout(timeoutMs);
        return await(async.del(key, timeout), timeout);
    }

    /**
     * Reads without blocking, with the connection's default timeout: {@link AsyncKvsClient#get(Object)}.
     *
     * @param key the key
     * @return a future of the value, or of empty if absent; it fails as the async view's does
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if the encoded key exceeds the region's limit
     */
    public CompletableFuture<Optional<V>> getAsync(K key) {
        return async.get(key);
    }

    /**
     * Reads without blocking: {@link AsyncKvsClient#get(Object, Duration)}.
     *
     * @param key the key
     * @param timeoutMs how long to wait for the answer, in milliseconds, positive
     * @return a future of the value, or of empty if absent; it fails as the async view's does
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if the encoded key exceeds the region's limit, or {@code timeoutMs} is
     *     not positive
     */
    public CompletableFuture<Optional<V>> getAsync(K key, long timeoutMs) {
        return async.get(key, timeout(timeoutMs));
    }

    /**
     * Inserts or updates without blocking, with the connection's default timeout: {@link AsyncKvsClient#set(Object, Object)}.
     *
     * @param key the key
     * @param value the value; zero bytes is a value
     * @return a future of {@code true} once stored; it fails as the async view's does
     * @throws NullPointerException if {@code key} or {@code value} is null
     * @throws IllegalArgumentException if the encoded key or value exceeds the region's limit
     */
    public CompletableFuture<Boolean> setAsync(K key, V value) {
        return async.set(key, value);
    }

    /**
     * Inserts or updates without blocking: {@link AsyncKvsClient#set(Object, Object, Duration)}.
     *
     * @param key the key
     * @param value the value; zero bytes is a value
     * @param timeoutMs how long to wait for the answer, in milliseconds, positive
     * @return a future of {@code true} once stored; it fails as the async view's does
     * @throws NullPointerException if {@code key} or {@code value} is null
     * @throws IllegalArgumentException if the encoded key or value exceeds the region's limit, or {@code timeoutMs} is
     *     not positive
     */
    public CompletableFuture<Boolean> setAsync(K key, V value, long timeoutMs) {
        return async.set(key, value, timeout(timeoutMs));
    }

    /**
     * Inserts if absent, without blocking, with the connection's default timeout: {@link AsyncKvsClient#post(Object, Object)}.
     *
     * @param key the key
     * @param value the value; zero bytes is a value
     * @return a future of {@code true} if inserted, {@code false} if the key was present
     * @throws NullPointerException if {@code key} or {@code value} is null
     * @throws IllegalArgumentException if the encoded key or value exceeds the region's limit
     */
    public CompletableFuture<Boolean> postAsync(K key, V value) {
        return async.post(key, value);
    }

    /**
     * Inserts if absent without blocking: {@link AsyncKvsClient#post(Object, Object, Duration)}.
     *
     * @param key the key
     * @param value the value; zero bytes is a value
     * @param timeoutMs how long to wait for the answer, in milliseconds, positive
     * @return a future of {@code true} if inserted, {@code false} if the key was present
     * @throws NullPointerException if {@code key} or {@code value} is null
     * @throws IllegalArgumentException if the encoded key or value exceeds the region's limit, or {@code timeoutMs} is
     *     not positive
     */
    public CompletableFuture<Boolean> postAsync(K key, V value, long timeoutMs) {
        return async.post(key, value, timeout(timeoutMs));
    }

    /**
     * Deletes without blocking, with the connection's default timeout: {@link AsyncKvsClient#del(Object)}.
     *
     * @param key the key
     * @return a future of {@code true} if the key was present, {@code false} if absent
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if the encoded key exceeds the region's limit
     */
    public CompletableFuture<Boolean> delAsync(K key) {
        return async.del(key);
    }

    /**
     * Deletes without blocking: {@link AsyncKvsClient#del(Object, Duration)}.
     *
     * @param key the key
     * @param timeoutMs how long to wait for the answer, in milliseconds, positive
     * @return a future of {@code true} if the key was present, {@code false} if absent
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if the encoded key exceeds the region's limit, or {@code timeoutMs} is
     *     not positive
     */
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
