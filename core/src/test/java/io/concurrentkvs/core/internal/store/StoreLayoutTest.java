package io.concurrentkvs.core.internal.store;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * Pins the store file's layout as docs/PROTOCOL.md ("The store file") states it: a failure here means the
 * file format changed, which needs a new layout version and an update of that document.
 */
class StoreLayoutTest {
    @Test
    void headerOffsetsArePinned() {
        assertThat(StoreLayout.LAYOUT_VERSION).isEqualTo(0x0001_0001);
        assertThat(ByteBuffer.allocate(8)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(StoreLayout.MAGIC)
                        .array())
                .isEqualTo("KVSSTORE".getBytes(US_ASCII));
        assertThat(new int[] {
                    StoreLayout.HEADER_LENGTH,
                    StoreLayout.MAGIC_OFFSET,
                    StoreLayout.VERSION_OFFSET,
                    StoreLayout.HEADER_LENGTH_OFFSET,
                    StoreLayout.FILE_LENGTH_OFFSET,
                    StoreLayout.STRIPES_OFFSET,
                    StoreLayout.SLOTS_PER_SEGMENT_OFFSET,
                    StoreLayout.PAGE_SIZE_OFFSET,
                    StoreLayout.PAGE_COUNT_OFFSET,
                    StoreLayout.MAX_ENTRIES_OFFSET,
                    StoreLayout.MAX_RECORD_LENGTH_OFFSET,
                    StoreLayout.SIZE_CLASS_COUNT_OFFSET,
                    StoreLayout.SEGMENTS_OFFSET_OFFSET,
                    StoreLayout.INDEX_OFFSET_OFFSET,
                    StoreLayout.PAGE_MAP_OFFSET_OFFSET,
                    StoreLayout.DATA_OFFSET_OFFSET,
                    StoreLayout.HASH_SEED_OFFSET,
                    StoreLayout.CREATED_MILLIS_OFFSET,
                    StoreLayout.OWNER_PID_OFFSET,
                    StoreLayout.PERSISTED_HISTORY_OFFSET,
                    StoreLayout.SIZE_CLASSES_OFFSET,
                    StoreLayout.MAX_SIZE_CLASSES
                })
                .containsExactly(
                        512, 0, 8, 12, 16, 24, 28, 32, 36, 40, 48, 52, 56, 64, 72, 80, 88, 96, 104, 112, 128, 64);
        assertThat(StoreLayout.HISTORY_RECOVERING).isEqualTo(-1L);
    }

    @Test
    void segmentIndexPageAndRecordEncodingsArePinned() {
        assertThat(new int[] {
                    StoreLayout.SEGMENT_HEADER_LENGTH,
                    StoreLayout.SEGMENT_SEQUENCE_OFFSET,
                    StoreLayout.SEGMENT_ENTRIES_OFFSET,
                    StoreLayout.SEGMENT_LIVE_BYTES_OFFSET,
                    StoreLayout.SEGMENT_BLOCK_BYTES_OFFSET
                })
                .containsExactly(64, 0, 8, 16, 24);
        assertThat(StoreLayout.TAG_SHIFT).isEqualTo(36);
        assertThat(StoreLayout.indexWord(0xABCDEF1, 4096 + 64)).isEqualTo(0xABCDEF1L << 36 | (4160 / 8));
        assertThat(StoreLayout.recordOffset(0xABCDEF1L << 36 | 520)).isEqualTo(4160);
        assertThat(StoreLayout.pageWord(3, 5)).isEqualTo(3 << 8 | 6);
        assertThat(new int[] {
                    StoreLayout.RECORD_CHECKSUM_OFFSET,
                    StoreLayout.RECORD_KEY_LENGTH_OFFSET,
                    StoreLayout.RECORD_VALUE_LENGTH_OFFSET,
                    StoreLayout.RECORD_FLAGS_OFFSET,
                    StoreLayout.RECORD_EXPIRES_OFFSET,
                    StoreLayout.RECORD_HEADER_LENGTH
                })
                .containsExactly(0, 4, 8, 12, 16, 24);
    }

    @Test
    void geometryOfTheDefaultsIsPinned() {
        StoreGeometry g = new StoreGeometry(16, 1 << 20, 256L << 20, StoreLayout.recordLength(256, 4096));
        assertThat(g.slotsPerSegment()).isEqualTo(98_304);
        assertThat(g.pageSize()).isEqualTo(32_768);
        assertThat(g.pageCount()).isEqualTo(8192);
        assertThat(g.indexOffset()).isEqualTo(512 + 16 * 64);
        assertThat(g.pageMapOffset()).isEqualTo(1536 + 16L * 98_304 * 8);
        assertThat(g.dataOffset()).isEqualTo(12_619_776);
        assertThat(g.fileLength()).isEqualTo(12_619_776 + 8192L * 32_768);
        int[] classes = new int[g.sizeClassCount()];
        for (int c = 0; c < classes.length; c++) {
            classes[c] = g.blockSize(c);
        }
        assertThat(classes)
                .containsExactly(
                        32, 40, 56, 72, 96, 120, 152, 192, 240, 304, 384, 480, 600, 752, 944, 1184, 1480, 1856, 2320,
                        2904, 3632, 4376);
        assertThat(g.sizeClassFor(25)).isZero();
        assertThat(g.sizeClassFor(41)).isEqualTo(2);
        assertThat(g.sizeClassFor(4376)).isEqualTo(21);
        assertThat(g.sizeClassFor(4377)).isEqualTo(-1);
    }

    @Test
    void hashAndChecksumGiveTheirKnownAnswers() {
        // Another implementation must find the same slots and accept the same records.
        assertThat(Hashing.keyHash(0, "abc".getBytes(US_ASCII), 3)).isEqualTo(0x0f57617916da7074L);
        assertThat(Hashing.keyHash(42, "0123456789abcdefXYZ".getBytes(US_ASCII), 19))
                .isEqualTo(0x7cf07675a6326b0bL);
        assertThat(Hashing.checksum(7, 3, 5, 0, 0, "key".getBytes(US_ASCII), "value".getBytes(US_ASCII), 0))
                .isEqualTo(0x1f2ed265);
    }
}
