package io.concurrentkvs.reactive;

import io.concurrentkvs.core.AsyncKvsClient;
import io.concurrentkvs.core.Codec;
import io.concurrentkvs.core.KvsConnection;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The Project Reactor view of a {@link KvsConnection}: cold {@link Mono}s for single operations and
 * windowed {@link Flux} batches, with codecs for keys and values. Create it with
 * {@link #create(KvsConnection, Codec, Codec)}; call it from any thread.
 *
 * <h2>Cold, one request per subscription</h2>
 * Nothing happens when a method returns: each {@code Mono} encodes its key and value and sends its
 * request when it is subscribed, and again at every further subscription ({@code retry()} and
 * {@code repeat()} send new requests). A {@code Mono} that is never subscribed never reaches the
 * store.
 *
 * <h2>Results</h2>
 * Every {@code Mono} emits exactly one value or an error, never completes empty. {@code get} emits
 * {@link Optional#empty()} for an absent key (an empty value, zero bytes, is a present value);
 * {@code false} from {@code post} means the key was present, from {@code del} that it was absent. A
 * failure is never a {@code false}: it is an error signal carrying the core's exceptions,
 * {@link io.concurrentkvs.core.KvsTimeoutException} (no answer within the timeout, the connection's
 * default of 5000 ms unless given) or {@link io.concurrentkvs.core.KvsUnavailableException} (no live
 * server, server stopped, connection closed).
 *
 * <h2>Where arguments are checked</h2>
 * Data is checked at subscription, as an error signal, because that is when it is encoded: a null key
 * or value ({@link NullPointerException}), a codec failure, or a key or value over the store's limits
 * ({@link IllegalArgumentException} naming the limit). Nothing enters shared memory in those cases.
 * Settings are checked when the method is called and throw at once: a null or non-positive timeout, a
 * null publisher, a window below 1.
 *
 * <h2>Threads</h2>
 * Signals arrive on the connection's poller thread, which completes every request of the connection
 * (or on the connection's completion executor if one is configured). A request that fails before it
 * is sent (closed connection, stopped server, bad data) signals on the subscribing thread. Never block
 * downstream on the poller: it would stall every request of the connection. Move heavy or blocking
 * work elsewhere:
 * <pre>{@code
 * rx.get(id)
 *   .publishOn(Schedulers.boundedElastic())   // leave the poller at once
 *   .map(this::renderReport);                 // slow work off the poller
 * }</pre>
 *
 * <h2>Cancellation</h2>
 * Cancelling a subscription cancels its request: its response slot is freed (a late answer is
 * dropped, it never completes another request). Cancelling does not undo a write the server has
 * already applied, nor one that is already on its way to the server: after a cancelled {@code set} the
 * key may or may not hold the new value.
 *
 * <h2>Batches</h2>
 * {@link #setAll} and {@link #getAll} keep at most a window of requests in flight (default
 * {@link ReactiveOptions#DEFAULT_BATCH_WINDOW}), request that many elements from upstream at first and
 * then one more for each result emitted, and emit one result per element in input order. A slow
 * subscriber therefore slows the upstream down instead of filling memory: at most a window of
 * elements is requested ahead of what was emitted. Each element is one request of the
 * {@link AsyncKvsClient}, with no {@code Mono} per element. The first failure (a failed request, an
 * element that cannot be encoded, a null element, an upstream error) ends the batch at once with its
 * error, cancels the requests still in flight and cancels upstream; results of writes already applied
 * stay applied. Cancelling a batch cancels its requests in flight and upstream. Upstream elements are
 * requested, and their requests sent, from the poller thread once the batch runs (and from the
 * subscribing or requesting thread); give a source that blocks or works hard its own thread
 * ({@code publishOn}/{@code subscribeOn}) before passing it in.
 *
 * <p>Thread safety: thread-safe and stateless; share one per connection and codec pair.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class ReactiveKvsClient<K, V> {
    private final AsyncKvsClient<K, V> async;
    private final ReactiveOptions options;

    private ReactiveKvsClient(AsyncKvsClient<K, V> async, ReactiveOptions options) {
        this.async = async;
        this.options = options;
    }

    /**
     * A reactive client over {@code connection} with default {@link ReactiveOptions}. Closing the connection
     * fails this client's requests; the client itself holds nothing to close.
     *
     * @param <K> key type
     * @param <V> value type
     * @param connection the connection to send through
     * @param keyCodec encodes and decodes keys
     * @param valueCodec encodes and decodes values
     * @return a new client
     * @throws NullPointerException if an argument is null
     */
    public static <K, V> ReactiveKvsClient<K, V> create(
            KvsConnection connection, Codec<K> keyCodec, Codec<V> valueCodec) {
        return create(connection, keyCodec, valueCodec, ReactiveOptions.defaults());
    }

    /**
     * A reactive client over {@code connection} with the given options.
     *
     * @param <K> key type
     * @param <V> value type
     * @param connection the connection to send through
     * @param keyCodec encodes and decodes keys
     * @param valueCodec encodes and decodes values
     * @param options the batch settings
     * @return a new client
     * @throws NullPointerException if an argument is null
     */
    public static <K, V> ReactiveKvsClient<K, V> create(
            KvsConnection connection, Codec<K> keyCodec, Codec<V> valueCodec, ReactiveOptions options) {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(options, "options");
        return new ReactiveKvsClient<>(connection.async(keyCodec, valueCodec), options);
    }

    /**
     * The connection this client sends through.
     *
     * @return the connection given to {@code create}
     */
    public KvsConnection connection() {
        return async.connection();
    }

    /**
     * The {@link CompletableFuture} view over the same connection and codecs.
     *
     * @return the async client this one wraps
     */
    public AsyncKvsClient<K, V> async() {
        return async;
    }

    /**
     * The settings this client was made with.
     *
     * @return the client's options
     */
    public ReactiveOptions options() {
        return options;
    }

    /**
     * Reads the value stored under {@code key}, with the connection's default timeout. Cold: sends at each
     * subscription.
     *
     * @param key the key; null, unencodable or over the limit fails at subscription
     * @return a {@code Mono} of the value, or of {@link Optional#empty()} if the key is absent
     */
    public Mono<Optional<V>> get(K key) {
        return send(() -> async.get(key));
    }

    /**
     * As {@link #get(Object)}, failing with {@code KvsTimeoutException} after {@code timeout}.
     *
     * @param key the key; null, unencodable or over the limit fails at subscription
     * @param timeout how long to wait for the answer, positive
     * @return a {@code Mono} of the value, or of {@link Optional#empty()} if the key is absent
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    public Mono<Optional<V>> get(K key, Duration timeout) {
        requireTimeout(timeout);
        return send(() -> async.get(key, timeout));
    }

    /**
     * Inserts or updates {@code key}, with the connection's default timeout. Cold: sends at each
     * subscription.
     *
     * @param key the key; null, unencodable or over the limit fails at subscription
     * @param value the value (zero bytes is a value); null, unencodable or over the limit fails at
     *     subscription
     * @return a {@code Mono} that emits {@code true} once the value is stored
     */
    public Mono<Boolean> set(K key, V value) {
        return send(() -> async.set(key, value));
    }

    /**
     * As {@link #set(Object, Object)}, failing with {@code KvsTimeoutException} after {@code timeout} (the
     * write may still take effect).
     *
     * @param key the key; null, unencodable or over the limit fails at subscription
     * @param value the value; null, unencodable or over the limit fails at subscription
     * @param timeout how long to wait for the answer, positive
     * @return a {@code Mono} that emits {@code true} once the value is stored
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    public Mono<Boolean> set(K key, V value, Duration timeout) {
        requireTimeout(timeout);
        return send(() -> async.set(key, value, timeout));
    }

    /**
     * Inserts {@code key} only if it is absent, with the connection's default timeout. Cold: sends at each
     * subscription.
     *
     * @param key the key; null, unencodable or over the limit fails at subscription
     * @param value the value; null, unencodable or over the limit fails at subscription
     * @return a {@code Mono} of {@code true} if inserted, {@code false} if the key was present (left
     *     unchanged)
     */
    public Mono<Boolean> post(K key, V value) {
        return send(() -> async.post(key, value));
    }

    /**
     * As {@link #post(Object, Object)}, failing with {@code KvsTimeoutException} after {@code timeout} (the
     * write may still take effect).
     *
     * @param key the key; null, unencodable or over the limit fails at subscription
     * @param value the value; null, unencodable or over the limit fails at subscription
     * @param timeout how long to wait for the answer, positive
     * @return a {@code Mono} of {@code true} if inserted, {@code false} if the key was present
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    public Mono<Boolean> post(K key, V value, Duration timeout) {
        requireTimeout(timeout);
        return send(() -> async.post(key, value, timeout));
    }

    /**
     * Deletes {@code key}, with the connection's default timeout. Cold: sends at each subscription.
     *
     * @param key the key; null, unencodable or over the limit fails at subscription
     * @return a {@code Mono} of {@code true} if the key was present, {@code false} if it was absent
     */
    public Mono<Boolean> del(K key) {
        return send(() -> async.del(key));
    }

    /**
     * As {@link #del(Object)}, failing with {@code KvsTimeoutException} after {@code timeout} (the delete may
     * still take effect).
     *
     * @param key the key; null, unencodable or over the limit fails at subscription
     * @param timeout how long to wait for the answer, positive
     * @return a {@code Mono} of {@code true} if the key was present, {@code false} if it was absent
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    public Mono<Boolean> del(K key, Duration timeout) {
        requireTimeout(timeout);
        return send(() -> async.del(key, timeout));
    }

    /**
     * Sets every entry (insert or update), keeping at most the options' batch window of writes in
     * flight; emits one {@code true} per entry, in input order. See the class comment on batches.
     *
     * @param entries the entries to write; a null entry, key or value ends the batch with an error
     * @return a {@code Flux} of one {@code true} per entry, in input order
     * @throws NullPointerException if {@code entries} is null
     */
    public Flux<Boolean> setAll(Publisher<? extends Map.Entry<? extends K, ? extends V>> entries) {
        return setAll(entries, options.batchWindow());
    }

    /**
     * As {@link #setAll(Publisher)} with at most {@code window} writes in flight.
     *
     * @param entries the entries to write
     * @param window writes in flight at most, and elements requested ahead, at least 1
     * @return a {@code Flux} of one {@code true} per entry, in input order
     * @throws NullPointerException if {@code entries} is null
     * @throws IllegalArgumentException if {@code window < 1}
     */
    public Flux<Boolean> setAll(Publisher<? extends Map.Entry<? extends K, ? extends V>> entries, int window) {
        Objects.requireNonNull(entries, "entries publisher");
        return OrderedWindowFlux.create(entries, window, entry -> async.set(entry.getKey(), entry.getValue()));
    }

    /**
     * Reads every key, keeping at most the options' batch window of reads in flight; emits one
     * {@link Optional} per key (empty if absent), in input order. See the class comment on batches.
     *
     * @param keys the keys to read; a null key ends the batch with an error
     * @return a {@code Flux} of one {@code Optional} per key, in input order
     * @throws NullPointerException if {@code keys} is null
     */
    public Flux<Optional<V>> getAll(Publisher<? extends K> keys) {
        return getAll(keys, options.batchWindow());
    }

    /**
     * As {@link #getAll(Publisher)} with at most {@code window} reads in flight.
     *
     * @param keys the keys to read
     * @param window reads in flight at most, and elements requested ahead, at least 1
     * @return a {@code Flux} of one {@code Optional} per key, in input order
     * @throws NullPointerException if {@code keys} is null
     * @throws IllegalArgumentException if {@code window < 1}
     */
    public Flux<Optional<V>> getAll(Publisher<? extends K> keys, int window) {
        Objects.requireNonNull(keys, "keys publisher");
        return OrderedWindowFlux.create(keys, window, async::get);
    }

    /**
     * A cold Mono over one core request. The supplier runs at subscription (so encoding errors become
     * error signals), and cancelling the Mono cancels the core future, which makes the poller free the
     * request's response slot.
     */
    private static <T> Mono<T> send(Supplier<CompletableFuture<T>> request) {
        return Mono.fromFuture(request, false);
    }

    static int requireWindow(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("batch window must be >= 1: " + window);
        }
        return window;
    }

    private static void requireTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
    }
}
