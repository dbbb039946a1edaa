package io.concurrentkvs.reactive;

import java.util.function.LongFunction;
import java.util.stream.LongStream;
import org.reactivestreams.tck.PublisherVerification;
import org.reactivestreams.tck.TestEnvironment;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import reactor.core.publisher.Flux;

/**
 * The Reactive Streams TCK's publisher rules, run against a batch over a real in-process server
 * ({@link TestStore}). TestNG runs it (the TCK is written for TestNG) through the TestNG engine on the
 * JUnit Platform, beside the Jupiter tests and under BlockHound like them.
 *
 * <p>Batches use a window of {@value #WINDOW}, smaller than most of the TCK's streams, so that the
 * rules are checked while slots are refilled, not only within the first window.
 *
 * @param <T> the batch's result type
 */
abstract class BatchPublisherVerification<T> extends PublisherVerification<T> {
    static final int WINDOW = 4;
    /** How long the TCK waits for a signal it expects: generous, for a loaded 2-core machine. */
    private static final long SIGNAL_TIMEOUT_MS = 5_000;
    /** How long the TCK watches for a signal that must not come; each such check waits this long. */
    private static final long NO_SIGNAL_TIMEOUT_MS = 200;
    /** The TCK's default (300 ms) before its garbage collection for rule 3.13. */
    private static final long REFERENCE_GC_TIMEOUT_MS = 300;

    private final String label;
    private TestStore store;

    BatchPublisherVerification(String label) {
        super(new TestEnvironment(SIGNAL_TIMEOUT_MS, NO_SIGNAL_TIMEOUT_MS), REFERENCE_GC_TIMEOUT_MS);
        this.label = label;
    }

    @BeforeClass
    public void startServer() {
        store = TestStore.start(label);
        prepare(store.strings());
    }

    @AfterClass(alwaysRun = true)
    public void stopServer() {
        if (store != null) {
            store.close();
        }
    }

    /** Runs once the server is up, with a client over it. */
    abstract void prepare(ReactiveKvsClient<String, String> rx);

    /**
     * The sources are lazy (an element exists once it is requested) and their keys repeat, so a
     * publisher of any length costs only what is requested: the TCK's one stream of
     * {@code Integer.MAX_VALUE} elements (rule 3.17, which cancels after a few) can run too.
     */
    @Override
    public long maxElementsFromPublisher() {
        return Integer.MAX_VALUE;
    }

    /** {@code elements} elements made by {@code element} from their index, produced on request. */
    static <E> Flux<E> lazySource(long elements, LongFunction<E> element) {
        return Flux.fromStream(() -> LongStream.range(0, elements).mapToObj(element));
    }
}
