package io.concurrentkvs.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The MPMC request ring across processes: producer JVMs and consumer threads of this JVM share one
 * region, and every message must arrive exactly once, intact.
 */
class RingStressTest {
    private static final int PRODUCERS = 4;
    private static final long MESSAGES_PER_PRODUCER = 750_000;

    @RegisterExtension
    final ProcessFixture processes = new ProcessFixture();

    @Test
    void producerJvmsAndTwoConsumerThreadsDeliverEveryMessageExactlyOnceAndIntact() {
        try (RingHarness harness = new RingHarness(processes, 1024, Duration.ofSeconds(2))) {
            harness.startConsumers(2);
            List<ProcessFixture.Child> producers = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                producers.add(harness.startProducer("producer-" + p, p, MESSAGES_PER_PRODUCER));
            }
            long start = System.nanoTime();
            producers.forEach(p -> p.send("go"));
            for (int p = 0; p < PRODUCERS; p++) {
                harness.awaitReceived(p, MESSAGES_PER_PRODUCER, Duration.ofMinutes(3));
            }
            long elapsedNanos = System.nanoTime() - start;
            for (ProcessFixture.Child producer : producers) {
                System.out.println(producer + ": " + producer.awaitLine("DONE", Duration.ofSeconds(30)));
            }
            MessageLedger ledger = harness.ledger();
            long total = PRODUCERS * MESSAGES_PER_PRODUCER;
            System.out.printf(
                    "ring stress: %d messages in %d ms = %.0f messages/s, skipped slots %d%n",
                    total, elapsedNanos / 1_000_000, total * 1e9 / elapsedNanos, harness.skipped());

            assertThat(ledger.corrupted()).as("corrupt messages").isZero();
            assertThat(ledger.duplicates()).as("duplicated messages").isZero();
            assertThat(ledger.outOfOrder())
                    .as("messages out of per-producer order")
                    .isZero();
            for (int p = 0; p < PRODUCERS; p++) {
                assertThat(ledger.count(p)).as("messages of producer %d", p).isEqualTo(MESSAGES_PER_PRODUCER);
                assertThat(ledger.missing(p, MESSAGES_PER_PRODUCER, 10)).isEmpty();
            }
            assertThat(ledger.total()).isEqualTo(total);
        }
    }
}
