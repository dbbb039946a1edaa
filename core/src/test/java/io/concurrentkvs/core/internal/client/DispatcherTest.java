package io.concurrentkvs.core.internal.client;

import static io.concurrentkvs.core.internal.ring.RequestRingDescriptor.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.concurrentkvs.core.internal.layout.AnswerSeal;
import io.concurrentkvs.core.internal.layout.RequestIds;
import io.concurrentkvs.core.internal.layout.ResponseSlotDescriptor;
import io.concurrentkvs.core.internal.layout.ResponseSlots;
import io.concurrentkvs.core.internal.layout.ResponseStatus;
import io.concurrentkvs.core.internal.memory.HeapMemory;
import io.concurrentkvs.core.internal.memory.Memory;
import io.concurrentkvs.core.internal.metrics.RequestListeners;
import io.concurrentkvs.core.internal.ring.Opcodes;
import io.concurrentkvs.core.internal.ring.RequestRing;
import io.concurrentkvs.core.internal.ring.RequestRingDescriptor;
import io.concurrentkvs.core.internal.ring.RingConsumer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher's batching and its runs of response slots, single-threaded: the test plays the worker,
 * reading batches from the ring and answering them by hand.
 */
class DispatcherTest {
    private static final int MAX_KEY = 8;
    private static final int MAX_VALUE = 64;
    private static final int SLOTS = 8;
    private static final int SLOT_SIZE = RequestRingDescriptor.slotSize(MAX_KEY, MAX_VALUE);
    private static final int RESPONSE_SLOT = ResponseSlotDescriptor.slotSize(MAX_VALUE);

    private final RequestRing ring =
            new RequestRing(new HeapMemory((int) RequestRingDescriptor.length(16, SLOT_SIZE)), 16, SLOT_SIZE);
    private final RingConsumer consumer;
    private final ResponseSlots responses =
            new ResponseSlots(new HeapMemory(SLOTS * RESPONSE_SLOT), 1, SLOTS, RESPONSE_SLOT, MAX_VALUE);
    private final Dispatcher dispatcher;
    private final List<Batch> answered = new ArrayList<>();
    private final RequestListeners listeners = new RequestListeners();

    DispatcherTest() {
        ring.initialize();
        consumer = new RingConsumer(ring, TimeUnit.SECONDS.toNanos(60), c -> true, System::nanoTime);
        dispatcher = new Dispatcher(ring, responses, new MappingGuard(() -> {}), 0, 7);
    }

    /** A batch as the server sees it. */
    private record Sent(long batchId, int first, int count, List<Integer> valueLengths) {}

    private Sent take() {
        long index = consumer.poll();
        assertThat(index).as("a published batch").isNotEqualTo(RingConsumer.EMPTY);
        Memory m = ring.memory();
        long slot = ring.slotOffset(index);
        int count = m.getInt(slot + REQUEST_COUNT_OFFSET);
        List<Integer> valueLengths = new ArrayList<>();
        long at = slot + PAYLOAD_OFFSET;
        for (int i = 0; i < count; i++) {
            int keyLength = m.getInt(at + RECORD_KEY_LENGTH_OFFSET);
            int valueLength = m.getInt(at + RECORD_VALUE_LENGTH_OFFSET);
            valueLengths.add(valueLength);
            at += recordLength(keyLength, valueLength);
        }
        assertThat(m.getInt(slot + PAYLOAD_LENGTH_OFFSET)).isEqualTo((int) (at - slot - PAYLOAD_OFFSET));
        Sent sent = new Sent(
                m.getLong(slot + BATCH_ID_OFFSET), m.getInt(slot + FIRST_RESPONSE_SLOT_OFFSET), count, valueLengths);
        ring.release(index);
        return sent;
    }

    private void answer(Sent sent) {
        AnswerSeal seal = new AnswerSeal();
        assertThat(responses.beginAnswer(0, sent.first(), sent.batchId(), seal)).isTrue();
        finishAnswer(sent, seal);
    }

    private void finishAnswer(Sent sent, AnswerSeal seal) {
        long at = responses.firstAnswer(0, sent.first());
        for (int i = 0; i < sent.count(); i++) {
            at = responses.putAnswer(0, sent.first(), sent.count(), at, ResponseStatus.TRUE, null, seal);
        }
        assertThat(responses.publishAnswers(0, sent.first(), sent.batchId(), sent.count(), at, seal))
                .isTrue();
    }

    /** Completes what landed, as the poller does (collect under the token, complete after). */
    private void collect() {
        dispatcher.collect(answered, true);
        answered.forEach(b -> b.complete(null));
        answered.clear();
    }

    private RequestFuture<Boolean> queue(int valueLength) {
        RequestFuture<Boolean> f = new RequestFuture<>(
                null,
                listeners,
                Opcodes.SET,
                new byte[] {1, 2},
                new byte[valueLength],
                (status, value) -> status == ResponseStatus.TRUE,
                TimeUnit.SECONDS.toNanos(60),
                System.nanoTime());
        dispatcher.enqueue(f);
        return f;
    }

    @Test
    void aListenerHearsOfEachRequestOnceWithItsOutcomeHoweverItEnds() {
        List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        listeners.add((op, outcome, nanos) -> {
            assertThat(nanos).isNotNegative();
            heard.add(op.tag() + ":" + outcome.tag());
        });
        RequestFuture<Boolean> timedOut = queue(1);
        RequestFuture<Boolean> answeredFirst = queue(2);
        RequestFuture<Boolean> answeredSecond = queue(3);
        assertThat(timedOut.completeExceptionally(new io.concurrentkvs.core.KvsTimeoutException("late")))
                .isTrue();
        assertThat(timedOut.cancel(true)).as("already done").isFalse();
        assertThat(dispatcher.send()).isEqualTo(3);
        answer(take());
        collect();
        assertThat(answeredFirst.getNow(false)).isTrue();
        assertThat(answeredSecond.getNow(false)).isTrue();
        // Late completions lose the race to the answer: nothing more is heard.
        assertThat(answeredFirst.completeExceptionally(new IllegalStateException()))
                .isFalse();
        assertThat(answeredSecond.cancel(true)).isFalse();
        assertThat(heard).containsExactly("set:timeout", "set:success", "set:success");
    }

    @Test
    void requestsQueuedTogetherTravelInOneBatchAnsweredInOneRun() {
        List<RequestFuture<Boolean>> futures = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            futures.add(queue(3));
        }
        assertThat(dispatcher.send()).isEqualTo(5);
        Sent sent = take();
        assertThat(sent.count()).isEqualTo(5);
        assertThat(sent.first()).isZero();
        assertThat(RequestIds.generation(sent.batchId())).isEqualTo(7);
        assertThat(dispatcher.activeSlots()).isEqualTo(5);
        answer(sent);
        collect();
        assertThat(futures).allSatisfy(f -> assertThat(f.getNow(false)).isTrue());
        assertThat(dispatcher.activeSlots()).isZero();
    }

    @Test
    void aBatchTakesOnlyWhatFitsItsRingSlotAndTheRestFollows() {
        int perSlot = payloadCapacity(SLOT_SIZE) / recordLength(2, MAX_VALUE);
        for (int i = 0; i < perSlot + 1; i++) {
            queue(MAX_VALUE);
        }
        assertThat(dispatcher.send()).isEqualTo(perSlot + 1);
        assertThat(take().count()).isEqualTo(perSlot);
        assertThat(take().count()).isEqualTo(1);
    }

    @Test
    void runsGoRoundTheClientsSlotsAndNeverOverlapALiveRun() {
        for (int i = 0; i < 6; i++) {
            queue(1);
        }
        dispatcher.send();
        Sent first = take(); // slots 0-5
        for (int i = 0; i < 4; i++) {
            queue(1);
        }
        dispatcher.send();
        Sent second = take(); // only slots 6-7 are free
        assertThat(second.first()).isEqualTo(6);
        assertThat(second.count()).isEqualTo(2);
        assertThat(dispatcher.send()).as("nothing free: the rest waits").isZero();
        answer(first);
        collect();
        dispatcher.send();
        Sent third = take(); // wrapped to the front, freed by the first run
        assertThat(third.first()).isZero();
        assertThat(third.count()).isEqualTo(2);
        assertThat(dispatcher.activeSlots()).isEqualTo(4);
    }

    @Test
    void aRunIsReusedOnlyOnceTheBatchesBeforeItAreRetired() {
        for (int i = 0; i < 4; i++) {
            queue(1);
        }
        dispatcher.send();
        Sent a = take(); // 0-3
        for (int i = 0; i < 4; i++) {
            queue(1);
        }
        dispatcher.send();
        Sent b = take(); // 4-7
        answer(b);
        collect();
        queue(1);
        assertThat(dispatcher.send()).as("b's slots lie behind a's live run").isZero();
        answer(a);
        collect();
        assertThat(dispatcher.send()).isEqualTo(1);
        assertThat(take().first()).isZero();
    }

    @Test
    void cancelledRequestsAreNeverSent() {
        RequestFuture<Boolean> cancelled = queue(1);
        RequestFuture<Boolean> kept = queue(2);
        cancelled.completeExceptionally(new java.util.concurrent.CancellationException());
        assertThat(dispatcher.send()).isEqualTo(2);
        Sent sent = take();
        assertThat(sent.count()).isEqualTo(1);
        assertThat(sent.valueLengths()).containsExactly(2);
        answer(sent);
        collect();
        assertThat(kept.getNow(false)).isTrue();
    }

    @Test
    void aBatchWhoseRequestsAllTimedOutGivesItsRunBackAtOnce() {
        RequestFuture<Boolean> f = queue(1);
        dispatcher.send();
        Sent sent = take();
        f.completeExceptionally(new io.concurrentkvs.core.KvsTimeoutException("test"));
        dispatcher.sweep(System.nanoTime(), TimeUnit.SECONDS.toNanos(10), r -> new RuntimeException(), (r, e) -> {});
        assertThat(dispatcher.activeSlots()).isZero();
        assertThat(responses.beginAnswer(0, sent.first(), sent.batchId(), new AnswerSeal()))
                .as("the late answer is refused")
                .isFalse();
    }

    /** Issue 14 item 6: a worker stalled in WRITING past the drain deadline would write into the next run. */
    @Test
    void aRunAWorkerIsStillWritingStaysOutOfUsePastTheDrainDeadline() {
        RequestFuture<Boolean> f = queue(1);
        dispatcher.send();
        Sent sent = take();
        AnswerSeal seal = new AnswerSeal();
        assertThat(responses.beginAnswer(0, sent.first(), sent.batchId(), seal)).isTrue();
        f.completeExceptionally(new io.concurrentkvs.core.KvsTimeoutException("test"));
        long now = System.nanoTime();
        long drain = TimeUnit.SECONDS.toNanos(10);
        dispatcher.sweep(now, drain, r -> new RuntimeException(), (r, e) -> {});
        assertThat(dispatcher.activeSlots())
                .as("draining: the worker is writing")
                .isEqualTo(1);

        dispatcher.sweep(now + 100 * drain, drain, r -> new RuntimeException(), (r, e) -> {});
        assertThat(dispatcher.activeSlots())
                .as("still held long after the drain deadline")
                .isEqualTo(1);

        finishAnswer(sent, seal);
        dispatcher.sweep(now + 101 * drain, drain, r -> new RuntimeException(), (r, e) -> {});
        assertThat(dispatcher.activeSlots())
                .as("freed once the worker published")
                .isZero();
    }
}
