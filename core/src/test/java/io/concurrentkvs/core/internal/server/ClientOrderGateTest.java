package io.concurrentkvs.core.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ClientOrderGateTest {
    private final ClientOrderGate gate = new ClientOrderGate(3);

    private CompletableFuture<Void> awaitInBackground(int worker, long index, int client) {
        return CompletableFuture.runAsync(() -> gate.awaitEarlierBatches(worker, index, client));
    }

    @Test
    void aLaterBatchOfTheSameClientWaitsUntilTheEarlierOneIsApplied() {
        gate.announce(0, 10, 4);
        gate.announce(1, 11, 4);
        CompletableFuture<Void> later = awaitInBackground(1, 11, 4);
        // It cannot finish while worker 0 holds index 10 of client 4; it finishes once that is cleared.
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> !later.isDone());
        gate.clear(0);
        await().atMost(Duration.ofSeconds(30)).until(later::isDone);
    }

    @Test
    void batchesOfOtherClientsAndLaterBatchesDoNotHoldAWorkerUp() {
        gate.announce(0, 10, 4); // another client
        gate.announce(2, 20, 5); // the same client, but a later index
        gate.announce(1, 12, 5);
        CompletableFuture<Void> unheld = awaitInBackground(1, 12, 5);
        await().atMost(Duration.ofSeconds(30)).until(unheld::isDone);
        assertThat(unheld).isCompletedWithValue(null);
    }

    @Test
    void aWorkerWaitsForEveryEarlierHolderOfItsClient() {
        gate.announce(0, 5, 1);
        gate.announce(1, 6, 1);
        gate.announce(2, 7, 1);
        CompletableFuture<Void> last = awaitInBackground(2, 7, 1);
        gate.clear(0);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> !last.isDone());
        gate.clear(1);
        await().atMost(Duration.ofSeconds(30)).until(last::isDone);
    }
}
