package io.concurrentkvs.reactive;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * The batch operator behind {@code setAll}/{@code getAll}: turns each upstream element into a request
 * (a {@link CompletableFuture} from {@code call}), keeps at most {@code window} of them in flight and
 * emits their results one per element, in input order.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Cold: nothing is requested or sent before subscription; each subscription runs its own batch.
 *   <li>Upstream demand: {@code window} at first, then as many as were emitted downstream, so upstream
 *       is never asked for more than {@code window} elements beyond what was emitted, and never more
 *       than {@code window} requests are in flight. Downstream demand is respected: a result whose
 *       request is answered waits in its slot until it is requested (completion needs no demand).
 *   <li>The first failure ends the Flux at once with its error, ahead of results still waiting: an
 *       exceptional future, an exception thrown by {@code call} (e.g. an oversized key), a null element
 *       or a null future or result, an upstream error, a request of {@code n <= 0} (rule 3.9). It
 *       cancels the futures still in flight and cancels upstream.
 *   <li>Cancel cancels upstream and every future in flight, and drops the references to the
 *       subscriber and to answered results (rule 3.13).
 * </ul>
 *
 * <h2>Threads</h2>
 * Signals come from three sides at once: upstream ({@code onNext}, serial among themselves), futures
 * completing (usually the connection's poller thread), and downstream ({@code request}, {@code cancel},
 * any thread). Upstream's {@code onNext} submits the request itself, on whatever thread upstream emits
 * (the thread that requested from upstream, for a synchronous source). Everything else — emitting to
 * downstream, requesting from and cancelling upstream, cancelling futures, terminating — happens only
 * in {@link WindowSubscriber#drain()}, a serialized loop guarded by a missed-work counter: whichever
 * thread raises it from 0 runs the loop, the others only leave work for it. No locks; the subscriber's
 * signals therefore arrive on whichever thread was draining.
 *
 * <h2>Cost</h2>
 * Per element: the future {@code call} returns and one completion callback ({@code whenComplete} with
 * the subscriber itself as the callback, so no lambda). The in-flight futures live in one fixed ring of
 * {@code window} slots per subscription: element {@code i} uses slot {@code i % window}, which is free
 * because upstream is never asked for more than the ring holds.
 *
 * @param <T> element type
 * @param <R> result type
 */
final class OrderedWindowFlux<T, R> extends Flux<R> {
    private final Publisher<? extends T> source;
    private final int window;
    private final Function<? super T, ? extends CompletableFuture<? extends R>> call;

    private OrderedWindowFlux(
            Publisher<? extends T> source,
            int window,
            Function<? super T, ? extends CompletableFuture<? extends R>> call) {
        this.source = source;
        this.window = window;
        this.call = call;
    }

    /**
     * A batch over {@code source}: at most {@code window} futures from {@code call} in flight, results in
     * input order. {@code call} must not block; it runs on the thread upstream emits on.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code window < 1}
     */
    static <T, R> Flux<R> create(
            Publisher<? extends T> source,
            int window,
            Function<? super T, ? extends CompletableFuture<? extends R>> call) {
        Objects.requireNonNull(source, "source publisher");
        Objects.requireNonNull(call, "call");
        ReactiveKvsClient.requireWindow(window);
        // onAssembly lets Reactor's assembly hooks (checkpoints, debug mode) see this operator.
        return onAssembly(new OrderedWindowFlux<T, R>(source, window, call));
    }

    @Override
    public void subscribe(CoreSubscriber<? super R> actual) {
        source.subscribe(new WindowSubscriber<T, R>(actual, window, call));
    }

    /**
     * One subscription's batch: the subscriber to upstream, the subscription handed downstream and the
     * completion callback of every future it submits. Field ownership is noted per field.
     */
    static final class WindowSubscriber<T, R>
            implements CoreSubscriber<T>, Subscription, BiConsumer<Object, Throwable> {
        private final Function<? super T, ? extends CompletableFuture<? extends R>> call;
        /** Slot {@code i % window} holds element {@code i}'s future until it is emitted or cancelled. */
        private final AtomicReferenceArray<CompletableFuture<? extends R>> ring;
        /** Kept apart from {@link #actual}, so that signals dropped after termination still have one. */
        private final Context context;

        /** The downstream subscriber; read and nulled only by the drain loop. Null once terminated. */
        private CoreSubscriber<? super R> actual;
        /** Set once in onSubscribe, before the drain loop can run; requested and cancelled only there. */
        private Subscription upstream;
        /** Slot of the next element from upstream; owned by onNext (upstream signals are serial). */
        private int tail;
        /** Slot of the next result to emit; owned by the drain loop. */
        private int head;
        /** Results emitted so far; owned by the drain loop. */
        private long emitted;
        /** Upstream demand owed: {@code window} at first, then the results emitted; drain loop only. */
        private long owedUpstream;

        /** Downstream demand, summed and capped at Long.MAX_VALUE (never decremented: see emitted). */
        private volatile long requested;
        /** Missed-work counter of the drain loop; stays above 0 forever once the loop has terminated. */
        private volatile int wip;
        /** The first failure; set once, read by the drain loop. */
        private volatile Throwable error;
        /** Upstream sent onComplete or onError. */
        private volatile boolean upstreamDone;
        /** Downstream cancelled; the drain loop does the cleanup. */
        private volatile boolean cancelled;
        /** The drain loop has cancelled the ring (terminal or cancelled); see {@link #onNext}. */
        private volatile boolean terminated;

        @SuppressWarnings("rawtypes")
        private static final AtomicLongFieldUpdater<WindowSubscriber> REQUESTED =
                AtomicLongFieldUpdater.newUpdater(WindowSubscriber.class, "requested");

        @SuppressWarnings("rawtypes")
        private static final AtomicIntegerFieldUpdater<WindowSubscriber> WIP =
                AtomicIntegerFieldUpdater.newUpdater(WindowSubscriber.class, "wip");

        @SuppressWarnings("rawtypes")
        private static final AtomicReferenceFieldUpdater<WindowSubscriber, Throwable> ERROR =
                AtomicReferenceFieldUpdater.newUpdater(WindowSubscriber.class, Throwable.class, "error");

        WindowSubscriber(
                CoreSubscriber<? super R> actual,
                int window,
                Function<? super T, ? extends CompletableFuture<? extends R>> call) {
            this.actual = actual;
            this.call = call;
            this.ring = new AtomicReferenceArray<>(window);
            this.context = actual.currentContext();
            this.owedUpstream = window;
        }

        @Override
        public Context currentContext() {
            return context;
        }

        // ---- upstream side -----------------------------------------------------------------------

        @Override
        public void onSubscribe(Subscription s) {
            if (Operators.validate(upstream, s)) {
                upstream = s;
                actual.onSubscribe(this);
                // The initial request for `window` elements is owed, and made, by the drain loop, so that
                // every request and cancel to upstream comes from that one serialized place (rule 2.7).
                drain();
            }
        }

        @Override
        public void onNext(T element) {
            if (upstreamDone) {
                Operators.onNextDropped(element, context);
                return;
            }
            if (cancelled || error != null) {
                return; // stopping: upstream's cancel is on its way; send nothing more
            }
            int slot = tail;
            if (ring.get(slot) != null) {
                fail(Exceptions.failWithOverflow("upstream sent more elements than the batch requested"));
                return;
            }
            CompletableFuture<? extends R> future;
            try {
                future = call.apply(Objects.requireNonNull(element, "a batch element is null"));
                Objects.requireNonNull(future, "the batch call returned a null future");
            } catch (Throwable e) {
                Exceptions.throwIfFatal(e);
                fail(e);
                return;
            }
            tail = slot + 1 == ring.length() ? 0 : slot + 1;
            // A volatile store, then a volatile read of `terminated`; the drain loop's cleanup writes
            // `terminated` and then reads every slot. Whichever comes second sees the other's write, so a
            // future stored while the batch ends is cancelled by this thread, by the cleanup, or by both.
            ring.set(slot, future);
            if (terminated) {
                ring.compareAndSet(slot, future, null);
                future.cancel(false);
                return;
            }
            future.whenComplete(this); // runs at once if the future is already complete
        }

        @Override
        public void onError(Throwable t) {
            if (upstreamDone) {
                Operators.onErrorDropped(t, context);
                return;
            }
            upstreamDone = true;
            fail(t);
        }

        @Override
        public void onComplete() {
            if (upstreamDone) {
                return;
            }
            upstreamDone = true;
            drain();
        }

        // ---- completions of the futures (usually on the poller thread) ---------------------------

        /** A submitted future completed (its result stays in it); a failure ends the batch at once. */
        @Override
        public void accept(Object result, Throwable failure) {
            if (failure != null && !terminated) {
                fail(unwrap(failure));
            } else {
                drain();
            }
        }

        // ---- downstream side -----------------------------------------------------------------------

        @Override
        public void request(long n) {
            if (n <= 0) {
                fail(new IllegalArgumentException("§3.9 violated: positive request amount required but it was " + n));
                return;
            }
            Operators.addCap(REQUESTED, this, n);
            drain();
        }

        @Override
        public void cancel() {
            cancelled = true;
            drain();
        }

        // ---- the serialized part -------------------------------------------------------------------

        /** Records the first failure (later ones are dropped) and lets the drain loop end the batch. */
        private void fail(Throwable e) {
            if (!ERROR.compareAndSet(this, null, e) && !terminated) {
                Operators.onErrorDropped(e, context);
            }
            drain();
        }

        /**
         * Emits answered results in order while downstream demand lasts, then requests from upstream as
         * many elements as it emitted, and ends the batch on cancel, failure or completion. Runs on one
         * thread at a time; a call while another thread runs it only makes that thread loop once more.
         * After the end it returns without releasing {@link #wip}, so later signals find nothing to do.
         */
        private void drain() {
            if (WIP.getAndIncrement(this) != 0) {
                return;
            }
            int missed = 1;
            CoreSubscriber<? super R> a = actual;
            int window = ring.length();
            for (; ; ) {
                long demand = requested;
                long e = emitted;
                int h = head;
                for (; ; ) {
                    if (cancelled) {
                        cleanUp();
                        return;
                    }
                    Throwable failure = error;
                    if (failure != null) {
                        cleanUp();
                        a.onError(failure);
                        return;
                    }
                    // Read upstreamDone before the slot: onNext stores its slot before onComplete sets
                    // upstreamDone, so done-then-empty really means nothing is left.
                    boolean done = upstreamDone;
                    CompletableFuture<? extends R> future = ring.get(h);
                    if (future == null) {
                        if (done) {
                            cleanUp();
                            a.onComplete();
                            return;
                        }
                        break;
                    }
                    if (e == demand || !future.isDone()) {
                        break;
                    }
                    R result = resultOf(future);
                    if (result == null) {
                        continue; // resultOf recorded the failure; the top of the loop ends the batch
                    }
                    ring.lazySet(h, null); // released before upstream is asked to refill it, below
                    h = h + 1 == window ? 0 : h + 1;
                    e++;
                    owedUpstream++;
                    a.onNext(result);
                }
                head = h;
                emitted = e;
                long owed = owedUpstream;
                if (owed != 0 && !cancelled) {
                    owedUpstream = 0;
                    upstream.request(owed); // a synchronous source calls onNext from inside this call
                }
                missed = WIP.addAndGet(this, -missed);
                if (missed == 0) {
                    return;
                }
            }
        }

        /** The result of a completed future, or null after recording why there is none. */
        private R resultOf(CompletableFuture<? extends R> future) {
            R result;
            try {
                result = future.join(); // completed: does not wait
            } catch (Throwable e) {
                fail(unwrap(e));
                return null;
            }
            if (result == null) {
                fail(new NullPointerException("a batch request completed with null"));
            }
            return result;
        }

        /**
         * Ends the batch for good, from the drain loop only: cancels the futures still in flight (whose
         * callbacks then find {@link #terminated} set and do nothing) and upstream, and drops the
         * subscriber and every buffered result.
         */
        private void cleanUp() {
            terminated = true;
            actual = null;
            for (int i = 0; i < ring.length(); i++) {
                CompletableFuture<? extends R> future = ring.getAndSet(i, null);
                if (future != null) {
                    future.cancel(false); // no-op for an answered one; frees a pending one's slot
                }
            }
            if (!upstreamDone) {
                upstream.cancel();
            }
        }

        private static Throwable unwrap(Throwable e) {
            if (e instanceof CompletionException && e.getCause() != null) {
                return e.getCause();
            }
            return e;
        }

        @Override
        public String toString() {
            return "OrderedWindowFlux.WindowSubscriber{window=" + ring.length() + '}';
        }
    }
}
