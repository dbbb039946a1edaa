package io.concurrentkvs.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Producers that die or freeze mid-stream, including between claiming a ring slot and publishing it:
 * consumers skip the stalled slot after the stall timeout, and nothing but the dead producer's
 * unpublished message is lost. The stall timeout is short (200 ms) so skips happen quickly.
 */
class RingProducerFailureTest {
    private static final Duration STALL_TIMEOUT = Duration.ofMillis(200);
    private static final Duration PROGRESS = Duration.ofMinutes(2);
    private static final Pattern SENT = Pattern.compile("DONE producer=\\d+ sent=(\\d+) .*");
    private static final int HUNG = 9;
    private static final long HANG_AT = 1_000;
    private static final long SURVIVOR_CAP = RingHarness.MAX_SEQUENCE / 2;

    @RegisterExtension
    final ProcessFixture processes = new ProcessFixture();

    @Test
    void aProducerKilledBetweenClaimAndPublishDoesNotStallConsumers() {
        try (RingHarness harness = new RingHarness(processes, 1024, STALL_TIMEOUT)) {
            harness.startConsumers(2);
            ProcessFixture.Child hung = startHungProducer(harness);
            hung.kill9();

            // The ring holds 1024 messages: these can only all arrive if consumers get past the dead slot.
            runSurvivors(harness, 2, 100_000);
            assertThat(harness.skipped()).as("slots skipped").isGreaterThanOrEqualTo(1);
            MessageLedger ledger = harness.ledger();
            assertThat(ledger.count(HUNG))
                    .as("messages the killed producer published")
                    .isEqualTo(HANG_AT);
            assertThat(ledger.receivedAPrefix(HUNG)).isTrue();
            assertIntact(ledger);
        }
    }

    @Test
    void aFrozenProducerIsSkippedAndLearnsItsLatePublishFailed() {
        try (RingHarness harness = new RingHarness(processes, 1024, STALL_TIMEOUT)) {
            harness.startConsumers(2);
            ProcessFixture.Child hung = startHungProducer(harness);

            // Alive but frozen: skipped after the hard stall limit rather than one stall timeout.
            runSurvivors(harness, 2, 100_000);
            assertThat(harness.skipped()).as("slots skipped").isGreaterThanOrEqualTo(1);
            assertThat(harness.ledger().count(HUNG)).isEqualTo(HANG_AT);

            hung.send("publish");
            assertThat(hung.awaitLine("PUBLISHED", PROGRESS)).isEqualTo("PUBLISHED ok=false");
            long sent = sentBy(hung);
            assertThat(sent).isEqualTo(2 * HANG_AT);
            // Re-sent under a new claim after the refused publish: every message arrives exactly once.
            harness.awaitReceived(HUNG, sent, PROGRESS);
            assertThat(harness.ledger().missing(HUNG, sent, 10)).isEmpty();
            assertIntact(harness.ledger());
        }
    }

    @Test
    void producersKilledWithSigkillAtRandomMomentsLoseNothingButTheirUnpublishedMessage() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        System.out.println("random kill moments from seed " + seed);
        int survivors = 3;
        int kills = 6;
        try (RingHarness harness = new RingHarness(processes, 1024, STALL_TIMEOUT)) {
            harness.startConsumers(2);
            List<ProcessFixture.Child> steady = new ArrayList<>();
            for (int p = 0; p < survivors; p++) {
                // Until told to stop, but capped so that sequences stay within the ledger on any machine; one
                // that reaches the cap first (a slow machine starts victims slowly) waits for the stop.
                steady.add(harness.startProducer("survivor-" + p, p, SURVIVOR_CAP, Args.of("awaitStop", true)));
            }
            steady.forEach(p -> p.send("go"));
            MessageLedger ledger = harness.ledger();
            for (int k = 0; k < kills; k++) {
                int victim = 10 + k;
                ProcessFixture.Child child = harness.startProducer("victim-" + k, victim, 0);
                child.send("go");
                // A random point in the victim's stream; where that lands relative to claim and publish is
                // up to the scheduler, which is the point.
                harness.awaitReceived(victim, 2_000 + random.nextInt(60_000), PROGRESS);
                child.kill9();
            }
            steady.forEach(p -> p.send("stop"));
            for (int p = 0; p < survivors; p++) {
                long sent = sentBy(steady.get(p));
                harness.awaitReceived(p, sent, PROGRESS);
                assertThat(ledger.count(p)).as("messages of survivor %d", p).isEqualTo(sent);
                assertThat(ledger.missing(p, sent, 10))
                        .as("lost messages of survivor %d", p)
                        .isEmpty();
            }
            for (int k = 0; k < kills; k++) {
                assertThat(ledger.receivedAPrefix(10 + k))
                        .as("victim %d lost only its unpublished tail", k)
                        .isTrue();
            }
            assertIntact(ledger);
            System.out.printf(
                    "kill -9 test: %d kills, %d messages received, %d stalled slots skipped%n",
                    kills, ledger.total(), harness.skipped());
        }
    }

    /** Starts producer {@link #HUNG}, which publishes {@link #HANG_AT} messages, then claims one more and stops. */
    private static ProcessFixture.Child startHungProducer(RingHarness harness) {
        ProcessFixture.Child hung = harness.startProducer("hung", HUNG, 2 * HANG_AT, Args.of("hangAt", HANG_AT));
        hung.send("go");
        hung.awaitLine("CLAIMED", PROGRESS);
        harness.awaitReceived(HUNG, HANG_AT, PROGRESS);
        return hung;
    }

    /** Runs {@code count} producers of {@code messages} each to completion and checks that all arrived. */
    private static void runSurvivors(RingHarness harness, int count, long messages) {
        List<ProcessFixture.Child> survivors = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            survivors.add(harness.startProducer("survivor-" + p, p, messages));
        }
        survivors.forEach(p -> p.send("go"));
        for (int p = 0; p < count; p++) {
            harness.awaitReceived(p, messages, PROGRESS);
            assertThat(harness.ledger().missing(p, messages, 10)).isEmpty();
        }
    }

    private static long sentBy(ProcessFixture.Child producer) {
        Matcher m = SENT.matcher(producer.awaitLine("DONE", PROGRESS));
        assertThat(m.matches()).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static void assertIntact(MessageLedger ledger) {
        assertThat(ledger.corrupted()).as("corrupt messages").isZero();
        assertThat(ledger.duplicates()).as("duplicated messages").isZero();
        assertThat(ledger.outOfOrder()).as("messages out of per-producer order").isZero();
    }
}
