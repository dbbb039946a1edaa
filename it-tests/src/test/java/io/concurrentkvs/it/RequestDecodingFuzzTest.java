package io.concurrentkvs.it;

import static io.concurrentkvs.core.internal.ring.RequestRingDescriptor.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.concurrentkvs.core.AsyncKvsClient;
import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.core.KvsServer;
import io.concurrentkvs.core.KvsStats;
import io.concurrentkvs.core.internal.layout.ClientTable;
import io.concurrentkvs.core.internal.layout.RequestIds;
import io.concurrentkvs.core.internal.layout.ResponseSlotDescriptor;
import io.concurrentkvs.core.internal.layout.ResponseSlots;
import io.concurrentkvs.core.internal.layout.ResponseStatus;
import io.concurrentkvs.core.internal.region.Processes;
import io.concurrentkvs.core.internal.region.Region;
import io.concurrentkvs.core.internal.ring.BatchFormat;
import io.concurrentkvs.core.internal.ring.Opcodes;
import io.concurrentkvs.core.internal.ring.RequestRing;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded fuzzing of request decoding: random batches of one request, mostly hostile, published through the real
 * ring into a real server, with an oracle that predicts from {@code docs/PROTOCOL.md} alone what the
 * server must do with each one: which counter it increments, what it stores, and what it answers into an
 * armed response slot.
 *
 * <p>The test plays a client by hand (it registers in the client table and arms tickets itself), so it can
 * send what no real client would. One worker thread makes processing order the ring order, so the
 * oracle's store model is exact. A failing seed reproduces the failure.
 */
class RequestDecodingFuzzTest {
    private static final int REQUESTS = 4_000;
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_KEY = 16;
    private static final int MAX_VALUE = 32;
    private static final int SLOTS = 8;
    private static final int CLIENTS = 4;
    private static final int[] HOSTILE = {
        Integer.MIN_VALUE, -65_536, -2, -1, MAX_KEY + 1, MAX_VALUE + 1, 1 << 20, Integer.MAX_VALUE
    };
    private static final byte[][] KEYS = {
        new byte[0], {1}, {2}, {1, 2, 3}, new byte[MAX_KEY], "sixteen-bytes-ok".getBytes()
    };

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 7, 42, 2026, 0x5EED})
    void randomRequestSlotsAreHandledExactlyAsTheProtocolSays(long seed) {
        String name = ProcessFixture.uniqueName("fuzz");
        try (KvsServer server = KvsServer.builder(name)
                .workers(1)
                .ringSize(16)
                .maxKeyBytes(MAX_KEY)
                .maxValueBytes(MAX_VALUE)
                .maxClients(CLIENTS)
                .responseSlotsPerClient(SLOTS)
                .clientTimeout(Duration.ofMinutes(10))
                .build()) {
            server.start();
            Fuzzer fuzzer = new Fuzzer(Region.attach(server.path()), new SplittableRandom(seed));
            for (int sent = 0; sent < REQUESTS; sent += fuzzer.round()) {
                // rounds of up to SLOTS - 1 requests and a sentinel; answers are checked per round
            }
            Map<String, Long> expected = fuzzer.expectedCounters();
            await("counters of seed " + seed)
                    .atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () -> assertThat(counters(KvsStats.read(name))).isEqualTo(expected));
            assertThat(server.storageSize()).isEqualTo(fuzzer.store.size());
            assertThat(server.isRunning()).isTrue();
            System.out.printf(
                    "fuzz seed %d: %d requests, %d answers checked, counters %s%n",
                    seed, fuzzer.sent, fuzzer.answersChecked, expected);
            // A real client is served normally afterwards.
            try (KvsConnection conn = KvsConnection.connect(name)) {
                AsyncKvsClient<String, String> client = conn.async(Codecs.string(), Codecs.string());
                assertThat(client.set("after", "fuzz").join()).isTrue();
                assertThat(client.get("after").join()).contains("fuzz");
            }
        } finally {
            KvsServer.destroy(name); // the store file outlives the server: remove it
        }
    }

    private static Map<String, Long> counters(KvsStats s) {
        Map<String, Long> m = new HashMap<>();
        m.put("gets", s.gets());
        m.put("getHits", s.getHits());
        m.put("sets", s.sets());
        m.put("posts", s.posts());
        m.put("postsRejected", s.postsRejected());
        m.put("dels", s.dels());
        m.put("delHits", s.delHits());
        m.put("malformed", s.malformedRequests());
        m.put("stale", s.staleAnswers());
        return m;
    }

    /** Generates requests, publishes them, and keeps the oracle's expectations. */
    private static final class Fuzzer {
        final Map<ByteBuffer, byte[]> store = new HashMap<>();
        final Map<String, Long> expected = new HashMap<>();
        final SplittableRandom random;
        final RequestRing ring;
        final ResponseSlots responses;
        final ClientTable.Registration me;
        long sequence;
        long sent;
        long answersChecked;

        Fuzzer(Region region, SplittableRandom random) {
            this.random = random;
            this.ring = region.ring();
            this.responses = region.responseSlots();
            ClientTable table = region.clientTable();
            this.me =
                    table.register(Processes.currentPid(), Processes.currentStartMillis(), System.currentTimeMillis());
            responses.reset(me.index());
            assertThat(table.activate(me)).isTrue();
            for (String c : List.of(
                    "gets", "getHits", "sets", "posts", "postsRejected", "dels", "delHits", "malformed", "stale")) {
                expected.put(c, 0L);
            }
        }

        Map<String, Long> expectedCounters() {
            return expected;
        }

        /** Publishes one round and checks the answers of its armed requests; returns how many were sent. */
        int round() {
            int size = 1 + random.nextInt(SLOTS - 1);
            List<Request> requests = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                requests.add(randomRequest(i));
            }
            // The sentinel: well-formed, armed, in the last slot; once it is answered the round is done.
            requests.add(new Request(
                    Opcodes.GET,
                    me.index(),
                    SLOTS - 1,
                    RequestIds.of(me.generation(), ++sequence),
                    KEYS[1],
                    1,
                    null,
                    0,
                    true));
            for (Request r : requests) {
                publish(r);
            }
            Request sentinel = requests.get(requests.size() - 1);
            awaitAnswered(sentinel);
            for (Request r : requests) {
                if (r.armed) {
                    checkAnswer(r);
                }
            }
            sent += requests.size();
            return requests.size();
        }

        /**
         * Waits for one answer by polling its ticket, as a client's poller does: a round trip takes
         * microseconds, which Awaitility's polling would stretch to its poll interval, hundreds of times.
         */
        private void awaitAnswered(Request r) {
            long done = ResponseSlotDescriptor.ticket(r.requestId, ResponseSlotDescriptor.TICKET_DONE);
            long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
            while (responses.ticketOf(me.index(), r.slot) != done) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("no answer to " + r + " within " + ANSWER_TIMEOUT);
                }
                Thread.yield();
            }
        }

        private Request randomRequest(int position) {
            int opcode = random.nextInt(10) < 8 ? 1 + random.nextInt(4) : hostileOr(random.nextInt(8) - 2);
            byte[] key = random.nextInt(10) < 8 ? KEYS[random.nextInt(KEYS.length)] : randomBytes(MAX_KEY);
            int keyLength = random.nextInt(10) < 8 ? key.length : hostileOr(random.nextInt(MAX_KEY + 1));
            byte[] value = randomBytes(MAX_VALUE);
            boolean carries = Opcodes.carriesValue(opcode);
            int valueLength =
                    random.nextInt(10) < 8 ? (carries ? value.length : 0) : hostileOr(random.nextInt(MAX_VALUE + 1));
            int client = random.nextInt(10) < 8 ? me.index() : hostileOr(random.nextInt(CLIENTS));
            int slot = random.nextInt(10) < 8 ? position : hostileOr(SLOTS + random.nextInt(4));
            long requestId = random.nextInt(10) < 8 ? RequestIds.of(me.generation(), ++sequence) : random.nextLong();
            boolean targetsMe = client == me.index() && slot >= 0 && slot < SLOTS;
            boolean armed = targetsMe && slot == position && random.nextInt(10) < 7;
            return new Request(opcode, client, slot, requestId, key, keyLength, value, valueLength, armed);
        }

        private int hostileOr(int ordinary) {
            return random.nextBoolean()
                    ? ordinary
                    : random.nextInt(3) == 0 ? random.nextInt() : HOSTILE[random.nextInt(HOSTILE.length)];
        }

        private byte[] randomBytes(int max) {
            byte[] b = new byte[random.nextInt(max + 1)];
            random.nextBytes(b);
            return b;
        }

        /** Publishes {@code r} as a batch of one request answered in the run of one slot {@code r.slot}. */
        private void publish(Request r) {
            if (r.armed) {
                responses.arm(me.index(), r.slot, r.requestId);
            }
            long index;
            while ((index = ring.claim(me.index())) == RequestRing.FULL) {
                Thread.onSpinWait();
            }
            long slot = ring.slotOffset(index);
            var m = ring.memory();
            // The whole payload area is filled, whatever the lengths say: bytes beyond them must be ignored.
            byte[] payload = new byte[ring.slotSize() - PAYLOAD_OFFSET];
            random.nextBytes(payload);
            ByteBuffer record = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
            record.putInt(RECORD_OPCODE_OFFSET, r.opcode);
            record.putInt(RECORD_KEY_LENGTH_OFFSET, r.keyLength);
            record.putInt(RECORD_VALUE_LENGTH_OFFSET, r.valueLength);
            int keyAt = RECORD_HEADER_LENGTH;
            System.arraycopy(r.key, 0, payload, keyAt, Math.min(r.key.length, payload.length - keyAt));
            if (r.value != null && r.keyLength >= 0 && r.keyLength <= MAX_KEY) {
                System.arraycopy(r.value, 0, payload, keyAt + r.keyLength, r.value.length);
            }
            m.putBytes(slot + PAYLOAD_OFFSET, payload, 0, payload.length);
            BatchFormat.putHeader(m, slot, r.requestId, r.client, r.slot, 1, slot + PAYLOAD_OFFSET + payload.length);
            BatchFormat.seal(m, slot, index, ring.slotSize());
            assertThat(ring.publish(index)).isTrue();
            r.payload = payload;
            predict(r);
        }

        /** The protocol's rules, applied to one request in ring order. */
        private void predict(Request r) {
            boolean wellFormed = Opcodes.isValid(r.opcode)
                    && r.keyLength >= 0
                    && r.keyLength <= MAX_KEY
                    && r.valueLength >= 0
                    && r.valueLength <= MAX_VALUE
                    && (r.valueLength == 0 || Opcodes.carriesValue(r.opcode));
            boolean answerable = r.client >= 0 && r.client < CLIENTS && r.slot >= 0 && r.slot < SLOTS;
            if (!answerable) {
                count("malformed"); // a batch whose answers have nowhere to go
                return;
            }
            boolean deliverable = r.client == me.index() && RequestIds.generation(r.requestId) == me.generation();
            if (!deliverable) {
                count("stale");
                return;
            }
            if (!wellFormed) {
                count("malformed");
                r.expectedStatus = ResponseStatus.MALFORMED;
            } else {
                int keyAt = RECORD_HEADER_LENGTH;
                ByteBuffer key = ByteBuffer.wrap(Arrays.copyOfRange(r.payload, keyAt, keyAt + r.keyLength));
                byte[] value = Opcodes.carriesValue(r.opcode)
                        ? Arrays.copyOfRange(r.payload, keyAt + r.keyLength, keyAt + r.keyLength + r.valueLength)
                        : null;
                switch (r.opcode) {
                    case Opcodes.GET -> {
                        count("gets");
                        r.expectedValue = store.get(key);
                        if (r.expectedValue != null) {
                            count("getHits");
                        }
                        r.expectedStatus = r.expectedValue != null ? ResponseStatus.FOUND : ResponseStatus.ABSENT;
                    }
                    case Opcodes.SET -> {
                        count("sets");
                        store.put(key, value);
                        r.expectedStatus = ResponseStatus.TRUE;
                    }
                    case Opcodes.POST -> {
                        count("posts");
                        boolean inserted = store.putIfAbsent(key, value) == null;
                        if (!inserted) {
                            count("postsRejected");
                        }
                        r.expectedStatus = inserted ? ResponseStatus.TRUE : ResponseStatus.FALSE;
                    }
                    default -> {
                        count("dels");
                        boolean removed = store.remove(key) != null;
                        if (removed) {
                            count("delHits");
                        }
                        r.expectedStatus = removed ? ResponseStatus.TRUE : ResponseStatus.FALSE;
                    }
                }
            }
            if (!r.armed) {
                count("stale"); // applied, but nobody waits for the answer
            }
        }

        private void checkAnswer(Request r) {
            if (r.expectedStatus == 0) {
                // Not deliverable (wrong generation): the server must not have touched the armed slot.
                assertThat(responses.ticketOf(me.index(), r.slot))
                        .as("ticket of %s", r)
                        .isEqualTo(ResponseSlotDescriptor.ticket(r.requestId, ResponseSlotDescriptor.TICKET_ARMED));
                answersChecked++;
                return;
            }
            assertThat(responses.ticketOf(me.index(), r.slot))
                    .as("ticket of %s", r)
                    .isEqualTo(ResponseSlotDescriptor.ticket(r.requestId, ResponseSlotDescriptor.TICKET_DONE));
            int[] status = new int[1];
            byte[][] value = new byte[1][];
            assertThat(responses.readAnswers(me.index(), r.slot, r.requestId, 1, (i, s, v) -> {
                        status[0] = s;
                        value[0] = v;
                    }))
                    .as("answers of %s readable", r)
                    .isTrue();
            assertThat(status[0]).as("status of %s", r).isEqualTo(r.expectedStatus);
            if (r.expectedStatus == ResponseStatus.FOUND) {
                assertThat(value[0]).as("value of %s", r).isEqualTo(r.expectedValue);
            }
            answersChecked++;
        }

        private void count(String counter) {
            expected.merge(counter, 1L, Long::sum);
        }
    }

    /** One crafted request and what the oracle expects of it. */
    private static final class Request {
        final int opcode;
        final int client;
        final int slot;
        final long requestId;
        final byte[] key;
        final int keyLength;
        final byte[] value;
        final int valueLength;
        final boolean armed;
        byte[] payload;
        /** The status the server must answer with; 0 if it must not answer at all. */
        int expectedStatus;

        byte[] expectedValue;

        Request(
                int opcode,
                int client,
                int slot,
                long requestId,
                byte[] key,
                int keyLength,
                byte[] value,
                int valueLength,
                boolean armed) {
            this.opcode = opcode;
            this.client = client;
            this.slot = slot;
            this.requestId = requestId;
            this.key = key;
            this.keyLength = keyLength;
            this.value = value;
            this.valueLength = valueLength;
            this.armed = armed;
        }

        @Override
        public String toString() {
            return "request(op " + opcode + ", client " + client + ", slot " + slot + ", id " + requestId
                    + ", key length " + keyLength + ", value length " + valueLength + ", armed " + armed + ")";
        }
    }
}
