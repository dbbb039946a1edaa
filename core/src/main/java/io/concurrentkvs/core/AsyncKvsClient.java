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

    public KvsConnection connection() {
        return connection;
    }

    public Codec<K> keyCodec() {
        return keyCodec;
    }

    public Codec<V> valueCodec() {
        return valueCodec;
    }

    /** The value stored under {@code key}, or empty if absent. Default timeout. */
    public CompletableFuture<Optional<V>> get(K key) {
        return get(key, engine.options().defaultTimeout());
    }

    public CompletableFuture<Optional<V>> get(K key, Duration timeout) {
        return engine.submit(Opcodes.GET, encodeKey(key), null, getDecoder, nanos(timeout));
    }

    /** Inserts or updates; true once stored. Default timeout. */
    public CompletableFuture<Boolean> set(K key, V value) {
        return set(key, value, engine.options().defaultTimeout());
    }

    public CompletableFuture<Boolean> set(K key, V value, Duration timeout) {
        return engine.submit(Opcodes.SET, encodeKey(key), encodeValue(value), BOOLEAN_DECODER, nanos(timeout));
    }

    /** Inserts only: true if inserted, false if the key was present (its value is unchanged). */
    public CompletableFuture<Boolean> post(K key, V value) {
        return post(key, value, engine.options().defaultTimeout());
    }

    public CompletableFuture<Boolean> post(K key, V value, Duration timeout) {
        return engine.submit(Opcodes.POST, encodeKey(key), encodeValue(value), BOOLEAN_DECODER, nanos(timeout));
    }

    /** Deletes: true if the key was present. */
    public CompletableFuture<Boolean> del(K key) {
        return del(key, engine.options().defaultTimeout());
    }

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
