package io.concurrentkvs.core;

import io.concurrentkvs.core.internal.backend.KvsBackend;
import io.concurrentkvs.core.internal.client.ResponseDecoder;
import io.concurrentkvs.core.internal.layout.ResponseStatus;
import io.concurrentkvs.core.internal.ring.Opcodes;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link CompletableFuture} view of a {@link KvsConnection}, with codecs for keys and values.
 *
 * <p>Each call encodes and validates at once (a null, or a key or value over the region's limits, throws
 * at the call, before anything enters shared memory), then returns without blocking. The future
 * completes with the answer, or exceptionally with {@link KvsTimeoutException} (no answer within the
 * timeout, 5000 ms by default) or {@link KvsUnavailableException} (no live server, server stopped,
 * connection closed). {@code false} and {@link Optional#empty()} only ever mean the answer: key absent
 * (get, del) or key present (post).
 *
 * <p>Threads: futures complete on the connection's poller thread (or the configured completion
 * executor, or a thread blocked in the future's {@code get}/{@code join}); do not block in callbacks
 * chained on them without an {@code ...Async} stage; a callback never runs inside another call on this
 * client. Cancelling a future frees its response slot (once its batch is done); it does not undo a write
 * the server has already applied.
 *
 * <p>Order: operations on the same key issued through one connection without waiting for each other take
 * effect in the order they were issued, with any number of server workers. Concurrent calls from
 * different threads are not ordered relative to each other.
 *
 * <p>Thread safety: thread-safe.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class AsyncKvsClient<K, V> {
    private final KvsConnection connection;
    private final KvsBackend engine;
    private final Codec<K> keyCodec;
    private final Codec<V> valueCodec;
    private final ResponseDecoder<Optional<V>> getDecoder;

    AsyncKvsClient(KvsConnection connection, Codec<K> keyCodec, Codec<V> valueCodec) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.engine = connection.engine();
        this.keyCodec = Objects.requireNonNull(keyCodec, "keyCodec");
        this.valueCodec = Objects.requireNonNull(valueCodec, "valueCodec");
        this.getDecoder = (status, value) -> {
            switch (status) {
                case ResponseStatus.FOUND:
                    return Optional.ofNullable(this.valueCodec.decode(value));
                case ResponseStatus.ABSENT:
                    return Optional.empty();
                default:
                    throw unexpected(status, value);
            }
        };
    }

    private static final ResponseDecoder<Boolean> BOOLEAN_DECODER = (status, value) -> {
        switch (status) {
            case ResponseStatus.TRUE:
                return Boolean.TRUE;
            case ResponseStatus.FALSE:
                return Boolean.FALSE;
            default:
                throw unexpected(status, value);
        }
    };

    private static KvsException unexpected(int status, byte[] value) {
        switch (status) {
            case ResponseStatus.CAPACITY:
                return new KvsCapacityException(
                        value == null || value.length == 0
                                ? "the store is full (the server's reason did not fit in an answer)"
                                : new String(value, java.nio.charset.StandardCharsets.UTF_8));
            case ResponseStatus.REFUSED:
                return new KvsException(
                        value == null || value.length == 0
                                ? "the server's persistence log refused the write, which was not applied"
                                : new String(value, java.nio.charset.StandardCharsets.UTF_8));
            case ResponseStatus.MALFORMED:
                return new KvsException("the server rejected the request as malformed");
            case ResponseStatus.UNAVAILABLE:
                return new KvsUnavailableException("the server is stopping and did not apply the request");
            default:
                return new KvsException("the server answered with unknown status " + status);
        }
    }

    /**
     * The connection this view sends through; closing it fails this view's requests.
     *
     * @return the connection this client was made from
     */
    public KvsConnection connection() {
        return connection;
    }

    /**
     * The codec for keys.
     *
     * @return the key codec this client was made with
     */
    public Codec<K> keyCodec() {
        return keyCodec;
    }

    /**
     * The codec for values.
     *
     * @return the value codec this client was made with
     */
    public Codec<V> valueCodec() {
        return valueCodec;
    }

    /**
     * Reads the value stored under {@code key}, with the connection's
     * {@link ConnectionOptions#defaultTimeout() default timeout}.
     *
     * @param key the key
     * @return a future of the value, or of empty if the key is absent; see {@link #get(Object, Duration)}
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if the encoded key exceeds {@link KvsConnection#maxKeyBytes()}
     */
    public CompletableFuture<Optional<V>> get(K key) {
        return get(key, engine.options().defaultTimeout());
    }

    /**
     * Reads the value stored under {@code key}. An empty value (zero bytes) is a value: it decodes to a
     * present result, distinct from an absent key.
     *
     * @param key the key
     * @param timeout how long to wait for the answer before the future fails with {@link KvsTimeoutException}
     * @return a future of the value, or of empty if the key is absent; it fails with
     *     {@link KvsTimeoutException}, {@link KvsUnavailableException}, {@link KvsCapacityException} (more
     *     requests wait for a response slot than {@link ConnectionOptions#maxWaitingRequests()} allows: not
     *     sent) or {@link KvsException} (the value codec's {@code decode} threw; it is the cause)
     * @throws NullPointerException if {@code key} or {@code timeout} is null
     * @throws IllegalArgumentException if the encoded key exceeds {@link KvsConnection#maxKeyBytes()}, or
     *     {@code timeout} is not positive
     */
    public CompletableFuture<Optional<V>> get(K key, Duration timeout) {
        return engine.submit(Opcodes.GET, encodeKey(key), null, getDecoder, nanos(timeout));
    }

    /**
     * Inserts or updates {@code key}, with the connection's {@link ConnectionOptions#defaultTimeout() default
     * timeout}.
     *
     * @param key the key
     * @param value the value; zero bytes is a value
     * @return a future of {@code true} once the value is stored; see {@link #set(Object, Object, Duration)}
     * @throws NullPointerException if {@code key}, {@code value} is null
     * @throws IllegalArgumentException if the encoded key exceeds {@link KvsConnection#maxKeyBytes()} or the
     *     encoded value exceeds {@link KvsConnection#maxValueBytes()}
     */
    public CompletableFuture<Boolean> set(K key, V value) {
        return set(key, value, engine.options().defaultTimeout());
    }

    /**
     * Inserts or updates {@code key}.
     *
     * @param key the key
     * @param value the value; zero bytes is a value
     * @param timeout how long to wait for the answer before the future fails with {@link KvsTimeoutException}
     *     (the write may still take effect)
     * @return a future of {@code true} once the value is stored; it fails with {@link KvsTimeoutException},
     *     {@link KvsUnavailableException}, {@link KvsCapacityException} (the store is full, or too many
     *     requests wait for a response slot: nothing was stored) or {@link KvsException} (the server's
     *     persistence log refused the write, which was not applied)
     * @throws NullPointerException if {@code key}, {@code value} or {@code timeout} is null
     * @throws IllegalArgumentException if the encoded key exceeds {@link KvsConnection#maxKeyBytes()} or the
     *     encoded value exceeds {@link KvsConnection#maxValueBytes()}, or
     *     {@code timeout} is not positive
     */
    public CompletableFuture<Boolean> set(K key, V value, Duration timeout) {
        return engine.submit(Opcodes.SET, encodeKey(key), encodeValue(value), BOOLEAN_DECODER, nanos(timeout));
    }

    /**
     * Inserts {@code key} only if it is absent, with the connection's
     * {@link ConnectionOptions#defaultTimeout() default timeout}.
     *
     * @param key the key
     * @param value the value; zero bytes is a value
     * @return a future of {@code true} if inserted, {@code false} if the key was present (its value is
     *     unchanged); see {@link #post(Object, Object, Duration)}
     * @throws NullPointerException if {@code key}, {@code value} is null
     * @throws IllegalArgumentException if the encoded key exceeds {@link KvsConnection#maxKeyBytes()} or the
     *     encoded value exceeds {@link KvsConnection#maxValueBytes()}
     */
    public CompletableFuture<Boolean> post(K key, V value) {
        return post(key, value, engine.options().defaultTimeout());
    }

    /**
     * Inserts {@code key} only if it is absent.
     *
     * @param key the key
     * @param value the value; zero bytes is a value
     * @param timeout how long to wait for the answer before the future fails with {@link KvsTimeoutException}
     *     (the write may still take effect)
     * @return a future of {@code true} if inserted, {@code false} if the key was present (its value is
     *     unchanged); it fails as {@link #set(Object, Object, Duration)} does
     * @throws NullPointerException if {@code key}, {@code value} or {@code timeout} is null
     * @throws IllegalArgumentException if the encoded key exceeds {@link KvsConnection#maxKeyBytes()} or the
     *     encoded value exceeds {@link KvsConnection#maxValueBytes()}, or
     *     {@code timeout} is not positive
     */
    public CompletableFuture<Boolean> post(K key, V value, Duration timeout) {
        return engine.submit(Opcodes.POST, encodeKey(key), encodeValue(value), BOOLEAN_DECODER, nanos(timeout));
    }

    /**
     * Deletes {@code key}, with the connection's {@link ConnectionOptions#defaultTimeout() default timeout}.
     *
     * @param key the key
     * @return a future of {@code true} if the key was present and is now deleted, {@code false} if it was
     *     absent; see {@link #del(Object, Duration)}
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if the encoded key exceeds {@link KvsConnection#maxKeyBytes()}
     */
    public CompletableFuture<Boolean> del(K key) {
        return del(key, engine.options().defaultTimeout());
    }

    /**
     * Deletes {@code key}.
     *
     * @param key the key
     * @param timeout how long to wait for the answer before the future fails with {@link KvsTimeoutException}
     *     (the delete may still take effect)
     * @return a future of {@code true} if the key was present and is now deleted, {@code false} if it was
     *     absent; it fails with {@link KvsTimeoutException}, {@link KvsUnavailableException},
     *     {@link KvsCapacityException} (too many requests wait for a response slot: not sent) or
     *     {@link KvsException} (the server's persistence log refused the delete, which was not applied)
     * @throws NullPointerException if {@code key} or {@code timeout} is null
     * @throws IllegalArgumentException if the encoded key exceeds {@link KvsConnection#maxKeyBytes()}, or
     *     {@code timeout} is not positive
     */
    public CompletableFuture<Boolean> del(K key, Duration timeout) {
        return engine.submit(Opcodes.DEL, encodeKey(key), null, BOOLEAN_DECODER, nanos(timeout));
    }

    /**
     * Encodes and checks a key against the region's limit.
     *
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if the encoded key exceeds {@link KvsConnection#maxKeyBytes()}
     */
    byte[] encodeKey(K key) {
        Objects.requireNonNull(key, "key must not be null");
        byte[] bytes = keyCodec.encode(key);
        int max = engine.maxKeyBytes();
        if (bytes.length > max) {
            throw new IllegalArgumentException(
                    "key of " + bytes.length + " bytes exceeds the store's maxKeyBytes limit of " + max + " bytes");
        }
        return bytes;
    }

    /**
     * Encodes and checks a value against the region's limit.
     *
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalArgumentException if the encoded value exceeds {@link KvsConnection#maxValueBytes()}
     */
    byte[] encodeValue(V value) {
        Objects.requireNonNull(value, "value must not be null");
        byte[] bytes = valueCodec.encode(value);
        int max = engine.maxValueBytes();
        if (bytes.length > max) {
            throw new IllegalArgumentException(
                    "value of " + bytes.length + " bytes exceeds the store's maxValueBytes limit of " + max + " bytes");
        }
        return bytes;
    }

    private static long nanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        return timeout.toNanos();
    }
}
