package io.concurrentkvs.reactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.concurrentkvs.core.Codec;
import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.core.KvsUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Single-operation semantics, laziness, argument checks and failures of {@link ReactiveKvsClient}. */
class ReactiveKvsClientTest {
    private static final Duration LONG = Duration.ofSeconds(30);
    private static TestStore store;
    private static ReactiveKvsClient<String, String> rx;

    private String key;

    @BeforeAll
    static void startServer() {
        store = TestStore.start("client", b -> b.maxKeyBytes(64).maxValueBytes(128));
        rx = store.strings();
    }

    @AfterAll
    static void stopServer() {
        if (store != null) {
            store.close();
        }
    }

    @BeforeEach
    void uniqueKey(TestInfo info) {
        key = info.getTestMethod().orElseThrow().getName();
    }

    @Test
    void getEmitsEmptyOptionalForAnAbsentKey() {
        StepVerifier.create(rx.get(key)).expectNext(Optional.empty()).verifyComplete();
    }

    @Test
    void setStoresAValueThatGetReadsBack() {
        StepVerifier.create(rx.set(key, "v1")).expectNext(true).verifyComplete();
        StepVerifier.create(rx.get(key)).expectNext(Optional.of("v1")).verifyComplete();
    }

    @Test
    void setUpdatesAnExistingKey() {
        StepVerifier.create(rx.set(key, "old").then(rx.set(key, "new")).then(rx.get(key)))
                .expectNext(Optional.of("new"))
                .verifyComplete();
    }

    @Test
    void anEmptyValueIsPresentNotAbsent() {
        StepVerifier.create(rx.set(key, "").then(rx.get(key)))
                .expectNext(Optional.of(""))
                .verifyComplete();
    }

    @Test
    void postInsertsOnlyWhenTheKeyIsAbsent() {
        StepVerifier.create(rx.post(key, "first")).expectNext(true).verifyComplete();
        StepVerifier.create(rx.post(key, "second")).expectNext(false).verifyComplete();
        StepVerifier.create(rx.get(key)).expectNext(Optional.of("first")).verifyComplete();
    }

    @Test
    void delReportsWhetherTheKeyWasPresent() {
        StepVerifier.create(rx.del(key)).expectNext(false).verifyComplete();
        StepVerifier.create(rx.set(key, "v").then(rx.del(key))).expectNext(true).verifyComplete();
        StepVerifier.create(rx.get(key)).expectNext(Optional.empty()).verifyComplete();
    }

    @Test
    void timeoutOverloadsHaveTheSameSemantics() {
        StepVerifier.create(rx.get(key, LONG)).expectNext(Optional.empty()).verifyComplete();
        StepVerifier.create(rx.post(key, "a", LONG)).expectNext(true).verifyComplete();
        StepVerifier.create(rx.post(key, "b", LONG)).expectNext(false).verifyComplete();
        StepVerifier.create(rx.set(key, "c", LONG)).expectNext(true).verifyComplete();
        StepVerifier.create(rx.get(key, LONG)).expectNext(Optional.of("c")).verifyComplete();
        StepVerifier.create(rx.del(key, LONG)).expectNext(true).verifyComplete();
        StepVerifier.create(rx.del(key, LONG)).expectNext(false).verifyComplete();
    }

    @Test
    void nothingIsEncodedOrSentBeforeSubscription() {
        AtomicInteger encodes = new AtomicInteger();
        Codec<String> counting = Codec.of(
                s -> {
                    encodes.incrementAndGet();
                    return s.getBytes(StandardCharsets.UTF_8);
                },
                b -> new String(b, StandardCharsets.UTF_8));
        ReactiveKvsClient<String, String> client = ReactiveKvsClient.create(store.connection, counting, counting);

        Mono<Boolean> set = client.set(key, "v");
        Mono<Optional<String>> get = client.get(key);
        client.del(key);
        assertThat(encodes).hasValue(0);

        // One worker serves the ring in order: had the set been sent at assembly, this get would see it.
        StepVerifier.create(rx.get(key)).expectNext(Optional.empty()).verifyComplete();
        StepVerifier.create(set).expectNext(true).verifyComplete();
        assertThat(encodes).hasValue(2);
        StepVerifier.create(get).expectNext(Optional.of("v")).verifyComplete();
    }

    @Test
    void eachSubscriptionSendsItsOwnRequest() {
        Mono<Boolean> post = rx.post(key, "v");
        StepVerifier.create(post).expectNext(true).verifyComplete();
        StepVerifier.create(post).expectNext(false).verifyComplete();

        Mono<Boolean> del = rx.del(key);
        StepVerifier.create(del).expectNext(true).verifyComplete();
        StepVerifier.create(del).expectNext(false).verifyComplete();
    }

    @Test
    void anOversizedKeyFailsOnSubscribeNamingTheLimit() {
        String huge = "k".repeat(65);
        Mono<Optional<String>> get = rx.get(huge); // does not throw: nothing is encoded yet
        StepVerifier.create(get)
                .expectErrorSatisfies(e -> assertThat(e)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("maxKeyBytes")
                        .hasMessageContaining("64"))
                .verify(LONG);
    }

    @Test
    void anOversizedValueFailsOnSubscribeAndStoresNothing() {
        StepVerifier.create(rx.set(key, "v".repeat(129)))
                .expectErrorSatisfies(e -> assertThat(e)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("maxValueBytes")
                        .hasMessageContaining("128"))
                .verify(LONG);
        StepVerifier.create(rx.post(key, "v".repeat(129)))
                .expectError(IllegalArgumentException.class)
                .verify(LONG);
        StepVerifier.create(rx.get(key)).expectNext(Optional.empty()).verifyComplete();
        assertThat(store.connection.inFlight()).isZero();
    }

    @Test
    void aNullKeyOrValueFailsOnSubscribe() {
        Mono<Optional<String>> get = rx.get(null);
        StepVerifier.create(get).expectError(NullPointerException.class).verify(LONG);
        StepVerifier.create(rx.set(key, null))
                .expectError(NullPointerException.class)
                .verify(LONG);
        StepVerifier.create(rx.del(null))
                .expectError(NullPointerException.class)
                .verify(LONG);
    }

    @Test
    void aCodecFailureIsAnErrorSignal() {
        IllegalStateException boom = new IllegalStateException("codec refused");
        Codec<String> failing = Codec.of(
                s -> {
                    throw boom;
                },
                b -> "unused");
        ReactiveKvsClient<String, String> client = ReactiveKvsClient.create(store.connection, failing, Codecs.string());
        Mono<Boolean> set = client.set(key, "v");
        StepVerifier.create(set).expectErrorMatches(e -> e == boom).verify(LONG);
    }

    @Test
    void settingsAreCheckedAtTheCall() {
        assertThatThrownBy(() -> rx.get(key, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> rx.set(key, "v", Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> rx.post(key, "v", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> rx.del(key, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> rx.getAll(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> rx.setAll(Flux.empty(), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("window");
        assertThatThrownBy(() -> ReactiveOptions.builder().batchWindow(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReactiveKvsClient.create(null, Codecs.string(), Codecs.string()))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void optionsDefaultToTheDocumentedWindow() {
        assertThat(rx.options().batchWindow())
                .isEqualTo(ReactiveOptions.DEFAULT_BATCH_WINDOW)
                .isEqualTo(256);
        assertThat(ReactiveOptions.builder().batchWindow(7).build().batchWindow())
                .isEqualTo(7);
        assertThat(rx.connection()).isSameAs(store.connection);
    }

    @Test
    void aClosedConnectionFailsWithUnavailable() {
        KvsConnection other = KvsConnection.connect(store.server.name());
        ReactiveKvsClient<String, String> client = ReactiveKvsClient.create(other, Codecs.string(), Codecs.string());
        Mono<Optional<String>> get = client.get(key);
        other.close();
        StepVerifier.create(get).expectError(KvsUnavailableException.class).verify(LONG);
        StepVerifier.create(client.set(key, "v"))
                .expectError(KvsUnavailableException.class)
                .verify(LONG);
    }

    @Test
    void aStoppedServerFailsCallsFastWithUnavailable() {
        try (TestStore stopped = TestStore.start("stopped")) {
            ReactiveKvsClient<String, String> client = stopped.strings();
            StepVerifier.create(client.set(key, "v")).expectNext(true).verifyComplete();
            stopped.server.stop();
            StepVerifier.create(client.get(key))
                    .expectError(KvsUnavailableException.class)
                    .verify(LONG);
            StepVerifier.create(client.setAll(Flux.just(Map.entry(key, "w"))))
                    .expectError(KvsUnavailableException.class)
                    .verify(LONG);
            assertThat(stopped.connection.inFlight()).isZero();
        }
    }
}
