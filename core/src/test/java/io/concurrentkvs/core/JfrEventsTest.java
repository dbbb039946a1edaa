package io.concurrentkvs.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.concurrentkvs.core.internal.layout.ClientTable;
import io.concurrentkvs.core.internal.region.Processes;
import io.concurrentkvs.core.internal.region.Region;
import io.concurrentkvs.core.internal.ring.RequestRing;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each JFR event, provoked for real against an in-process server and read back from a recording
 * stream: a timeout, a re-attach, a skipped slot, a ring repair and a reaped client.
 */
class JfrEventsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final int NO_CLIENT = -1;

    private final String name = "kvs-jfr-" + ProcessHandle.current().pid() + "-"
            + ThreadLocalRandom.current().nextInt(1 << 30);
    private final List<RecordedEvent> events = new CopyOnWriteArrayList<>();
    private RecordingStream stream;
    private KvsServer server;
    private KvsConnection connection;

    private void start(UnaryOperator<KvsServer.Builder> config, String... eventNames) {
        stream = new RecordingStream();
        for (String eventName : eventNames) {
            stream.enable(eventName);
            stream.onEvent(eventName, events::add);
        }
        stream.startAsync();
        server = config.apply(KvsServer.builder(name).workers(1)).build();
        server.start();
        connection = KvsConnection.connect(name);
    }

    @AfterEach
    void stop() {
        if (stream != null) {
            stream.close();
        }
        if (connection != null) {
            connection.close();
        }
        if (server != null) {
            server.close();
            KvsServer.destroy(server.path());
        }
    }

    private RecordedEvent awaitEvent(String eventName) {
        await().atMost(PATIENCE).until(() -> events.stream().anyMatch(e -> is(e, eventName)));
        return events.stream().filter(e -> is(e, eventName)).findFirst().orElseThrow();
    }

    private static boolean is(RecordedEvent event, String eventName) {
        return event.getEventType().getName().equals(eventName);
    }

    @Test
    void aRequestThatTimesOutIsRecordedWithItsStoreOperationAndTimeout() {
        start(b -> b.stallTimeout(Duration.ofMinutes(30)), "io.concurrentkvs.RequestTimeout");
        Region region = Region.attach(server.path());
        RequestRing ring = region.ring();
        long frozen = ring.claim(NO_CLIENT); // the worker waits behind this slot: nothing is answered
        try {
            AsyncKvsClient<String, String> client = connection.async(Codecs.string(), Codecs.string());
            assertThatThrownBy(() -> client.get("late", Duration.ofMillis(50)).join())
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(KvsTimeoutException.class);
            RecordedEvent event = awaitEvent("io.concurrentkvs.RequestTimeout");
            assertThat(event.getString("store")).isEqualTo(name);
            assertThat(event.getString("operation")).isEqualTo("GET");
            assertThat(event.getDuration("timeout")).isEqualTo(Duration.ofMillis(50));
            assertThat(event.getBoolean("sent")).isTrue();
        } finally {
            ring.publish(frozen);
            region.unmap();
        }
    }

    @Test
    void aSlotWhoseProducerStalledIsRecordedWhenTheWorkerSkipsIt() {
        start(b -> b.stallTimeout(Duration.ofMillis(100)), "io.concurrentkvs.SlotSkipped");
        Region region = Region.attach(server.path());
        try {
            long stalled = region.ring().claim(NO_CLIENT); // claimed, never published
            RecordedEvent event = awaitEvent("io.concurrentkvs.SlotSkipped");
            assertThat(event.getLong("ringIndex")).isEqualTo(stalled);
            assertThat(event.getInt("claimant")).isEqualTo(NO_CLIENT);
            assertThat(event.getDuration("stalledFor")).isGreaterThanOrEqualTo(Duration.ofMillis(100));
            assertThat(event.getThread().getJavaName()).contains(name);
        } finally {
            region.unmap();
        }
    }

    @Test
    void aCorruptRingIsRecordedWhenTheWorkerRepairsIt() {
        start(b -> b.stallTimeout(Duration.ofMillis(100)), "io.concurrentkvs.RingRepair");
        Region region = Region.attach(server.path());
        try {
            region.ring().memory().putLongVolatile(128, 1L << 40); // consumer index far ahead of the producer
            RecordedEvent event = awaitEvent("io.concurrentkvs.RingRepair");
            assertThat(event.getString("kind")).isEqualTo("indices");
            assertThat(event.getLong("consumerIndex")).isEqualTo(1L << 40);
            assertThat(KvsStats.read(name).ringRepairs()).isPositive();
        } finally {
            region.unmap();
        }
        // Served again after the repair.
        AsyncKvsClient<String, String> client = connection.async(Codecs.string(), Codecs.string());
        assertThat(client.set("after", "repair").join()).isTrue();
    }

    @Test
    void aClientEntryOfADeadProcessIsRecordedWhenTheServerReapsIt() {
        start(b -> b, "io.concurrentkvs.ClientReaped");
        long deadPid = Integer.MAX_VALUE - 7; // no such process
        Region region = Region.attach(server.path());
        try {
            ClientTable table = region.clientTable();
            ClientTable.Registration r = table.register(deadPid, 1, System.currentTimeMillis());
            assertThat(table.activate(r)).isTrue();
            RecordedEvent event = awaitEvent("io.concurrentkvs.ClientReaped");
            assertThat(event.getInt("clientIndex")).isEqualTo(r.index());
            assertThat(event.getLong("clientPid")).isEqualTo(deadPid);
            assertThat(event.getString("reason")).isEqualTo("process gone");
        } finally {
            region.unmap();
        }
    }

    @Test
    void aConnectionThatFollowsARestartedServerIsRecordedWhenItReattaches() {
        start(b -> b, "io.concurrentkvs.Reattach");
        server.stop();
        await().atMost(PATIENCE).until(() -> !connection.isConnected());
        server.start();
        RecordedEvent event = awaitEvent("io.concurrentkvs.Reattach");
        assertThat(event.getString("store")).isEqualTo(name);
        assertThat(event.getLong("serverPid")).isEqualTo(Processes.currentPid());
        assertThat(event.getBoolean("newServer")).isTrue();
        assertThat(event.getString("downReason")).contains("stopped");
        assertThat(connection.isConnected()).isTrue();
    }
}
