package io.concurrentkvs.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.concurrentkvs.blocking.KvsClient;
import io.concurrentkvs.core.AsyncKvsClient;
import io.concurrentkvs.core.Codec;
import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.ConnectionOptions;
import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.core.KvsUnavailableException;
import io.concurrentkvs.reactive.ReactiveKvsClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The contract every backend keeps, one suite for all: each subclass says only where its store is (a
 * shared-memory server, a standalone Redis, a Redis Cluster). Every test uses keys of its own, so the
 * tests share one store per class.
 */
abstract class KvsContract {
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** A store name or URL that {@link KvsConnection#connect(String)} takes. */
    abstract String target();

    private KvsConnection connection;
    private String prefix;
    private AsyncKvsClient<String, String> async;
    private ReactiveKvsClient<String, String> rx;
    private KvsClient<String, String> blocking;

    @BeforeEach
    void connect() {
        connection = KvsConnection.connect(target());
        prefix = "contract:" + UUID.randomUUID() + ":";
        async = connection.async(Codecs.string(), Codecs.string());
        rx = ReactiveKvsClient.create(connection, Codecs.string(), Codecs.string());
        blocking = KvsClient.of(connection, Codecs.string(), Codecs.string());
    }

    @AfterEach
    void close() {
        connection.close();
    }

    private String key(String name) {
        return prefix + name;
    }

    private static <T> T join(CompletableFuture<T> future) throws Exception {
        return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void getOfAnAbsentKeyIsEmptyAndSetThenGetGivesTheValue() throws Exception {
        assertThat(join(async.get(key("a")))).isEmpty();
        assertThat(join(async.set(key("a"), "Ada"))).isTrue();
        assertThat(join(async.get(key("a")))).contains("Ada");
    }

    @Test
    void setOverwritesAndAnswersTrueEachTime() throws Exception {
        assertThat(join(async.set(key("a"), "one"))).isTrue();
        assertThat(join(async.set(key("a"), "two"))).isTrue();
        assertThat(join(async.get(key("a")))).contains("two");
    }

    @Test
    void postInsertsOnlyAndNeverOverwritesAnExistingKey() throws Exception {
        assertThat(join(async.post(key("p"), "first"))).isTrue();
        assertThat(join(async.post(key("p"), "second"))).isFalse();
        assertThat(join(async.get(key("p")))).contains("first");
    }

    @Test
    void delAnswersWhetherTheKeyWasPresent() throws Exception {
        assertThat(join(async.del(key("d")))).isFalse();
        join(async.set(key("d"), "x"));
        assertThat(join(async.del(key("d")))).isTrue();
        assertThat(join(async.get(key("d")))).isEmpty();
        assertThat(join(async.post(key("d"), "again"))).isTrue();
    }

    @Test
    void anEmptyValueIsAValueDistinctFromAnAbsentKey() throws Exception {
        join(async.set(key("e"), ""));
        assertThat(join(async.get(key("e")))).contains("");
        assertThat(join(async.post(key("e"), "x"))).isFalse();
    }

    @Test
    void everyTimeoutOverloadWorksLikeTheDefault() throws Exception {
        Duration t = Duration.ofSeconds(10);
        assertThat(join(async.set(key("t"), "v", t))).isTrue();
        assertThat(join(async.post(key("t"), "w", t))).isFalse();
        assertThat(join(async.get(key("t"), t))).contains("v");
        assertThat(join(async.del(key("t"), t))).isTrue();
    }

    @Test
    void writesToOneKeyIssuedWithoutWaitingTakeEffectInOrder() throws Exception {
        List<CompletableFuture<Boolean>> writes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            writes.add(async.set(key("o"), "v" + i));
        }
        for (CompletableFuture<Boolean> w : writes) {
            assertThat(join(w)).isTrue();
        }
        assertThat(join(async.get(key("o")))).contains("v199");
    }

    @Test
    void codecsRoundTripEveryBuiltInTypeAndUserTypes() throws Exception {
        AsyncKvsClient<Integer, Long> numbers = connection.async(Codecs.int32(), Codecs.int64());
        int k = ThreadLocalRandom.current().nextInt();
        join(numbers.set(k, Long.MIN_VALUE));
        assertThat(join(numbers.get(k))).contains(Long.MIN_VALUE);
        join(numbers.del(k));

        AsyncKvsClient<byte[], byte[]> bytes = connection.async(Codecs.bytes(), Codecs.bytes());
        byte[] rawKey = (prefix + "raw").getBytes(StandardCharsets.UTF_8);
        byte[] rawValue = {0, -1, 127, -128, 10, 13, 0};
        join(bytes.set(rawKey, rawValue));
        assertThat(join(bytes.get(rawKey)))
                .hasValueSatisfying(v -> assertThat(v).containsExactly(rawValue));

        join(async.set(key("unicode ключ ✓"), "значение ✓ 𝄞"));
        assertThat(join(async.get(key("unicode ключ ✓")))).contains("значение ✓ 𝄞");

        Codec<Point> points = Codec.of(
                p -> (p.x + "," + p.y).getBytes(StandardCharsets.UTF_8),
                b -> Point.parse(new String(b, StandardCharsets.UTF_8)));
        AsyncKvsClient<String, Point> typed = connection.async(Codecs.string(), points);
        join(typed.set(key("point"), new Point(3, -4)));
        assertThat(join(typed.get(key("point")))).contains(new Point(3, -4));
    }

    @Test
    void aLargeValueRoundTripsUnchanged() throws Exception {
        int size = Math.min(connection.maxValueBytes(), 1 << 20);
        byte[] value = new byte[size];
        ThreadLocalRandom.current().nextBytes(value);
        AsyncKvsClient<String, byte[]> bytes = connection.async(Codecs.string(), Codecs.bytes());
        join(bytes.set(key("large"), value));
        assertThat(join(bytes.get(key("large"))))
                .hasValueSatisfying(v -> assertThat(v).isEqualTo(value));
    }

    @Test
    void theReactiveViewIsColdAndEmitsTheSameAnswers() throws Exception {
        Mono<Boolean> neverSubscribed = rx.set(key("cold"), "x");
        assertThat(neverSubscribed).isNotNull();
        StepVerifier.create(rx.get(key("cold"))).expectNext(Optional.empty()).verifyComplete();

        StepVerifier.create(rx.set(key("r"), "v")).expectNext(true).verifyComplete();
        StepVerifier.create(rx.post(key("r"), "w")).expectNext(false).verifyComplete();
        StepVerifier.create(rx.get(key("r"))).expectNext(Optional.of("v")).verifyComplete();
        StepVerifier.create(rx.del(key("r"))).expectNext(true).verifyComplete();
        StepVerifier.create(rx.del(key("r"), Duration.ofSeconds(10)))
                .expectNext(false)
                .verifyComplete();
    }

    @Test
    void setAllAndGetAllKeepInputOrderAndTheirWindow() {
        int count = 500;
        int window = 8;
        List<Map.Entry<String, String>> entries = IntStream.range(0, count)
                .mapToObj(i -> (Map.Entry<String, String>) new AbstractMap.SimpleEntry<>(key("b" + i), "v" + i))
                .collect(Collectors.toList());
        AtomicLong requested = new AtomicLong();
        AtomicLong emitted = new AtomicLong();
        AtomicLong mostAhead = new AtomicLong();
        Flux<Map.Entry<String, String>> source = Flux.fromIterable(entries).doOnRequest(n -> {
            long ahead = requested.addAndGet(n) - emitted.get();
            mostAhead.accumulateAndGet(ahead, Math::max);
        });
        List<Boolean> stored = rx.setAll(source, window)
                .doOnNext(b -> emitted.incrementAndGet())
                .collectList()
                .block(WAIT);
        assertThat(stored).hasSize(count).containsOnly(true);
        assertThat(mostAhead.get()).isLessThanOrEqualTo(window);

        // Every other key absent: the answers come back in input order, absent ones included.
        List<String> keys = IntStream.range(0, count)
                .mapToObj(i -> i % 2 == 0 ? key("b" + i) : key("absent" + i))
                .collect(Collectors.toList());
        List<Optional<String>> values =
                rx.getAll(Flux.fromIterable(keys), window).collectList().block(WAIT);
        assertThat(values).hasSize(count);
        for (int i = 0; i < count; i++) {
            assertThat(values.get(i)).isEqualTo(i % 2 == 0 ? Optional.of("v" + i) : Optional.empty());
        }
    }

    @Test
    void theBlockingViewGivesPlainAnswers() {
        assertThat(blocking.get(key("k"))).isEmpty();
        assertThat(blocking.set(key("k"), "v")).isTrue();
        assertThat(blocking.post(key("k"), "w")).isFalse();
        assertThat(blocking.get(key("k"), 10_000)).contains("v");
        assertThat(blocking.del(key("k"), 10_000)).isTrue();
        assertThat(blocking.del(key("k"))).isFalse();
    }

    @Test
    void badInputThrowsAtTheCallInEveryView() {
        assertThatThrownBy(() -> async.get(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> async.set(key("n"), null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> async.get(key("n"), Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> blocking.post(null, "v")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> rx.get(key("n"), Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        StepVerifier.create(rx.set(null, "v")).verifyError(NullPointerException.class);
    }

    @Test
    void aKeyOverTheLimitFailsWithIllegalArgumentNamingIt() {
        assumeTrue(connection.maxKeyBytes() < (1 << 20), "the backend's key limit is too large to exceed in a test");
        String tooLong = "k".repeat(connection.maxKeyBytes() + 1);
        assertThatThrownBy(() -> async.set(tooLong, "v"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxKeyBytes");
    }

    @Test
    void everyViewOfAClosedConnectionFailsWithUnavailable() {
        KvsConnection other = KvsConnection.connect(target(), ConnectionOptions.defaults());
        AsyncKvsClient<String, String> closedAsync = other.async(Codecs.string(), Codecs.string());
        ReactiveKvsClient<String, String> closedRx = ReactiveKvsClient.create(other, Codecs.string(), Codecs.string());
        KvsClient<String, String> closedBlocking = KvsClient.of(other, Codecs.string(), Codecs.string());
        other.close();
        assertThat(other.isConnected()).isFalse();
        assertThatThrownBy(() -> join(closedAsync.get(key("x"))))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(KvsUnavailableException.class);
        StepVerifier.create(closedRx.set(key("x"), "v")).verifyError(KvsUnavailableException.class);
        assertThatThrownBy(() -> closedBlocking.del(key("x"))).isInstanceOf(KvsUnavailableException.class);
    }

    @Test
    void aLiveConnectionSaysItIsConnectedAndHasNothingInFlightWhenIdle() throws Exception {
        join(async.set(key("idle"), "v"));
        assertThat(connection.isConnected()).isTrue();
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> connection.inFlight() == 0);
    }

    /** A user type for the codec test. */
    static final class Point {
        final int x;
        final int y;

        Point(int x, int y) {
            this.x = x;
            this.y = y;
        }

        static Point parse(String text) {
            String[] parts = text.split(",");
            return new Point(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Point && ((Point) o).x == x && ((Point) o).y == y;
        }

        @Override
        public int hashCode() {
            return 31 * x + y;
        }

        @Override
        public String toString() {
            return "(" + x + "," + y + ")";
        }
    }
}
