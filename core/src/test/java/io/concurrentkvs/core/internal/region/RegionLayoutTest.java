package io.concurrentkvs.core.internal.region;

import static org.assertj.core.api.Assertions.assertThat;

import io.concurrentkvs.core.internal.layout.ClientTableDescriptor;
import io.concurrentkvs.core.internal.layout.ResponseSlotDescriptor;
import io.concurrentkvs.core.internal.ring.RequestRingDescriptor;
import org.junit.jupiter.api.Test;

/**
 * Pins every offset of the layout documented in docs/PROTOCOL.md. A change here is a protocol change:
 * bump the layout version and update the document.
 */
class RegionLayoutTest {
    @Test
    void headerOffsetsArePinned() {
        assertThat(RegionHeaderDescriptor.MAGIC).isEqualTo(0x004D564A53564B43L);
        assertThat(RegionHeaderDescriptor.LAYOUT_VERSION).isEqualTo(0x0003_0001);
        assertThat(RegionHeaderDescriptor.HEADER_LENGTH).isEqualTo(1024);
        assertThat(new int[] {
                    RegionHeaderDescriptor.MAGIC_OFFSET, RegionHeaderDescriptor.VERSION_OFFSET,
                    RegionHeaderDescriptor.HEADER_LENGTH_OFFSET, RegionHeaderDescriptor.REGION_LENGTH_OFFSET,
                    RegionHeaderDescriptor.RING_OFFSET_OFFSET, RegionHeaderDescriptor.RING_CAPACITY_OFFSET,
                    RegionHeaderDescriptor.RING_SLOT_SIZE_OFFSET, RegionHeaderDescriptor.CLIENT_TABLE_OFFSET_OFFSET,
                    RegionHeaderDescriptor.CLIENT_CAPACITY_OFFSET, RegionHeaderDescriptor.CLIENT_ENTRY_SIZE_OFFSET,
                    RegionHeaderDescriptor.RESPONSE_OFFSET_OFFSET,
                            RegionHeaderDescriptor.RESPONSE_SLOTS_PER_CLIENT_OFFSET,
                    RegionHeaderDescriptor.RESPONSE_SLOT_SIZE_OFFSET, RegionHeaderDescriptor.MAX_KEY_BYTES_OFFSET,
                    RegionHeaderDescriptor.MAX_VALUE_BYTES_OFFSET, RegionHeaderDescriptor.STALL_TIMEOUT_MS_OFFSET,
                    RegionHeaderDescriptor.HEARTBEAT_INTERVAL_MS_OFFSET, RegionHeaderDescriptor.SERVER_PID_OFFSET,
                    RegionHeaderDescriptor.SERVER_PROCESS_START_OFFSET, RegionHeaderDescriptor.EPOCH_OFFSET,
                    RegionHeaderDescriptor.CREATED_MILLIS_OFFSET, RegionHeaderDescriptor.WORKERS_OFFSET,
                    RegionHeaderDescriptor.STRIPES_OFFSET, RegionHeaderDescriptor.STATE_OFFSET,
                    RegionHeaderDescriptor.HEARTBEAT_OFFSET, RegionHeaderDescriptor.COUNTERS_OFFSET
                })
                .containsExactly(
                        0, 8, 12, 16, 24, 32, 36, 40, 48, 52, 56, 64, 68, 72, 76, 80, 84, 88, 96, 104, 112, 120, 124,
                        128, 256, 384);
        assertThat(Counters.GETS.offset()).isEqualTo(384);
        assertThat(Counters.RING_DEPTH.offset()).isEqualTo(384 + 8 * 13);
        assertThat(Counters.RING_REPAIRS.offset()).isEqualTo(384 + 8 * 14);
    }

    @Test
    void ringOffsetsArePinned() {
        assertThat(new int[] {
                    RequestRingDescriptor.PRODUCER_INDEX_OFFSET, RequestRingDescriptor.CONSUMER_INDEX_OFFSET,
                    RequestRingDescriptor.HEADER_LENGTH, RequestRingDescriptor.SEQUENCE_OFFSET,
                    RequestRingDescriptor.CLAIMED_INDEX_OFFSET, RequestRingDescriptor.BATCH_ID_OFFSET,
                    RequestRingDescriptor.CLIENT_INDEX_OFFSET, RequestRingDescriptor.FIRST_RESPONSE_SLOT_OFFSET,
                    RequestRingDescriptor.REQUEST_COUNT_OFFSET, RequestRingDescriptor.PAYLOAD_LENGTH_OFFSET,
                    RequestRingDescriptor.PAYLOAD_OFFSET
                })
                .containsExactly(0, 128, 256, 0, 8, 16, 24, 28, 32, 36, 48);
        assertThat(new int[] {
                    RequestRingDescriptor.RECORD_OPCODE_OFFSET, RequestRingDescriptor.RECORD_KEY_LENGTH_OFFSET,
                    RequestRingDescriptor.RECORD_VALUE_LENGTH_OFFSET, RequestRingDescriptor.RECORD_HEADER_LENGTH,
                    RequestRingDescriptor.RECORD_ALIGNMENT, RequestRingDescriptor.MIN_RECORD_LENGTH
                })
                .containsExactly(0, 4, 8, 12, 8, 16);
        assertThat(RequestRingDescriptor.recordLength(8, 100)).isEqualTo(120);
        assertThat(RequestRingDescriptor.slotSize(256, 1024)).isEqualTo(1344);
        assertThat(RequestRingDescriptor.maxRequests(1344)).isEqualTo(81);
    }

    @Test
    void clientTableAndResponseOffsetsArePinned() {
        assertThat(new int[] {
                    ClientTableDescriptor.ENTRY_SIZE,
                    ClientTableDescriptor.STATE_WORD_OFFSET,
                    ClientTableDescriptor.PID_OFFSET,
                    ClientTableDescriptor.PROCESS_START_OFFSET,
                    ClientTableDescriptor.HEARTBEAT_OFFSET
                })
                .containsExactly(64, 0, 8, 16, 24);
        assertThat(new int[] {
                    ResponseSlotDescriptor.TICKET_OFFSET, ResponseSlotDescriptor.ANSWER_COUNT_OFFSET,
                    ResponseSlotDescriptor.ANSWERS_LENGTH_OFFSET, ResponseSlotDescriptor.SEAL_OFFSET,
                    ResponseSlotDescriptor.RESERVED_OFFSET, ResponseSlotDescriptor.ANSWERS_OFFSET,
                    ResponseSlotDescriptor.ANSWER_STATUS_OFFSET, ResponseSlotDescriptor.ANSWER_VALUE_LENGTH_OFFSET,
                    ResponseSlotDescriptor.ANSWER_HEADER_LENGTH
                })
                .containsExactly(0, 8, 12, 16, 20, 24, 0, 4, 8);
        assertThat(ResponseSlotDescriptor.answerLength(5)).isEqualTo(16);
        assertThat(ResponseSlotDescriptor.slotSize(1024)).isEqualTo(1088);
    }

    @Test
    void sectionsFollowEachOtherInOrder() {
        RegionGeometry g = new RegionGeometry(4096, 256, 1024, 32, 1024, 2000, 100);
        assertThat(g.ringOffset()).isEqualTo(1024);
        assertThat(g.clientTableOffset()).isEqualTo(1024 + 256 + 4096L * 1344);
        assertThat(g.responseOffset()).isEqualTo(g.clientTableOffset() + 32 * 64);
        assertThat(g.regionLength()).isEqualTo(g.responseOffset() + 32L * 1024 * 1088);
    }
}
