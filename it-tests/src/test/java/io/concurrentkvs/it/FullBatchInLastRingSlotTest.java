package io.concurrentkvs.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.concurrentkvs.core.KvsServer;
import io.concurrentkvs.core.KvsStats;
import io.concurrentkvs.core.internal.layout.ClientTable;
import io.concurrentkvs.core.internal.layout.RequestIds;
import io.concurrentkvs.core.internal.layout.ResponseSlotDescriptor;
import io.concurrentkvs.core.internal.layout.ResponseSlots;
import io.concurrentkvs.core.internal.layout.ResponseStatus;
import io.concurrentkvs.core.internal.region.Processes;
import io.concurrentkvs.core.internal.region.Region;
import io.concurrentkvs.core.internal.region.RegionGeometry;
import io.concurrentkvs.core.internal.ring.BatchFormat;
import io.concurrentkvs.core.internal.ring.Opcodes;
import io.concurrentkvs.core.internal.ring.RequestRing;
import io.concurrentkvs.core.internal.ring.RequestRingDescriptor;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A batch whose records fill its ring slot to the last byte, in the ring's last slot. Guards against a
 * defect {@link BatchAtomicityTest}'s read-back found (a full batch of GETs timed out): the server read a
 * short key (up to 16 bytes) as whole 8-byte words ({@code StoreKey.read}), and for a record of a short
 * key and a short or no value the last word ran past the record's end by up to 4 bytes. In any slot but
 * the last that read harmless bytes of the next slot; in the last slot it ran past the ring, the worker
 * dropped the rest of the batch, and the batch stayed half applied with its ticket WRITING for good, so
 * its client timed out and could not reuse the run.
 *
 * <p>Plays a client by hand, as {@link RequestDecodingFuzzTest} does, against a ring of two slots.
 */
class FullBatchInLastRingSlotTest {
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);

    @Test
    void aBatchThatFillsTheRingsLastSlotIsAppliedWholeAndAnswered() {
        String name = ProcessFixture.uniqueName("lastslot");
        try (KvsServer server = KvsServer.builder(name)
                .workers(1)
                .ringSize(2)
                .maxClients(2)
                .responseSlotsPerClient(512)
                .clientTimeout(Duration.ofMinutes(10))
                .build()) {
            server.start();
            Region region = Region.attach(server.path());
            RegionGeometry g = region.geometry();
            RequestRing ring = region.ring();
            ResponseSlots responses = region.responseSlots();
            ClientTable table = region.clientTable();
            ClientTable.Registration me =
                    table.register(Processes.currentPid(), Processes.currentStartMillis(), System.currentTimeMillis());
            responses.reset(me.index());
            assertThat(table.activate(me)).isTrue();

            // Records of a 3-byte key and a 1-byte value take 16 bytes: exactly enough of them fill a slot.
            int records = RequestRingDescriptor.payloadCapacity(g.ringSlotSize()) / 16;
            long sequence = 0;
            for (int batch = 0; batch < g.ringCapacity(); batch++) {
                long batchId = RequestIds.of(me.generation(), ++sequence);
                responses.arm(me.index(), 0, batchId);
                long index = ring.claim(me.index());
                assertThat(index).as("claimed index").isEqualTo(batch);
                long slot = ring.slotOffset(index);
                long at = slot + RequestRingDescriptor.PAYLOAD_OFFSET;
                for (int i = 0; i < records; i++) {
                    byte[] key = {(byte) batch, (byte) (i >>> 8), (byte) i};
                    at = BatchFormat.putRecord(ring.memory(), at, Opcodes.SET, key, new byte[] {1});
                }
                assertThat(at).as("records end at the slot's end").isEqualTo(slot + g.ringSlotSize());
                BatchFormat.putHeader(ring.memory(), slot, batchId, me.index(), 0, records, at);
                BatchFormat.seal(ring.memory(), slot, index, ring.slotSize());
                assertThat(ring.publish(index)).isTrue();

                long done = ResponseSlotDescriptor.ticket(batchId, ResponseSlotDescriptor.TICKET_DONE);
                long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
                while (responses.ticketOf(me.index(), 0) != done && System.nanoTime() - deadline < 0) {
                    Thread.yield();
                }
                assertThat(responses.ticketOf(me.index(), 0))
                        .as("ticket of the batch in slot %d, stored entries %d", batch, server.storageSize())
                        .isEqualTo(done);
                int[] notTrue = {0};
                assertThat(responses.readAnswers(me.index(), 0, batchId, records, (i, status, value) -> {
                            if (status != ResponseStatus.TRUE) {
                                notTrue[0]++;
                            }
                        }))
                        .isTrue();
                assertThat(notTrue[0]).as("answers other than TRUE").isZero();
                assertThat(server.storageSize()).isEqualTo((long) records * (batch + 1));
            }
            assertThat(KvsStats.read(server.path()).malformedRequests()).isZero();
        } finally {
            KvsServer.destroy(name); // the store file outlives the server: remove it
        }
    }
}
