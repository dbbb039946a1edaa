package io.concurrentkvs.core.internal.persist;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * Pins the persistence formats as docs/PROTOCOL.md ("The persistence directory") states them: a failure here
 * means a file format changed, which needs a new format version and an update of that document.
 */
class PersistLayoutTest {
    private static byte[] le(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    @Test
    void magicsAndVersionArePinned() {
        assertThat(PersistLayout.VERSION).isEqualTo(0x0001_0000);
        assertThat(le(PersistLayout.LOG_MAGIC)).isEqualTo("KVSLOG\0\1".getBytes(US_ASCII));
        assertThat(le(PersistLayout.SNAPSHOT_MAGIC)).isEqualTo("KVSSNP\0\1".getBytes(US_ASCII));
        assertThat(le(PersistLayout.MANIFEST_MAGIC)).isEqualTo("KVSMAN\0\1".getBytes(US_ASCII));
    }

    @Test
    void headerOffsetsArePinned() {
        assertThat(new int[] {
                    PersistLayout.HEADER_LENGTH,
                    PersistLayout.MAGIC_OFFSET,
                    PersistLayout.VERSION_OFFSET,
                    PersistLayout.HEADER_LENGTH_OFFSET,
                    PersistLayout.HISTORY_ID_OFFSET,
                    PersistLayout.SEQ_OFFSET,
                    PersistLayout.CREATED_MILLIS_OFFSET,
                    PersistLayout.HEADER_RESERVED_OFFSET,
                    PersistLayout.HEADER_CRC_OFFSET
                })
                .containsExactly(64, 0, 8, 12, 16, 24, 32, 40, 60);
    }

    @Test
    void recordEntryTrailerAndManifestOffsetsArePinned() {
        assertThat(new int[] {
                    PersistLayout.RECORD_CRC_OFFSET,
                    PersistLayout.RECORD_TYPE_OFFSET,
                    PersistLayout.RECORD_RESERVED_OFFSET,
                    PersistLayout.RECORD_KEY_LENGTH_OFFSET,
                    PersistLayout.RECORD_VALUE_LENGTH_OFFSET,
                    PersistLayout.RECORD_HEADER_LENGTH,
                    PersistLayout.TYPE_END,
                    PersistLayout.TYPE_SET,
                    PersistLayout.TYPE_DEL,
                    PersistLayout.TYPE_SET_EXPIRING
                })
                .containsExactly(0, 4, 5, 8, 12, 16, 0, 1, 2, 3);
        assertThat(new int[] {
                    PersistLayout.ENTRY_CRC_OFFSET,
                    PersistLayout.ENTRY_KEY_LENGTH_OFFSET,
                    PersistLayout.ENTRY_VALUE_LENGTH_OFFSET,
                    PersistLayout.ENTRY_RESERVED_OFFSET,
                    PersistLayout.ENTRY_HEADER_LENGTH
                })
                .containsExactly(0, 4, 8, 12, 16);
        assertThat(new int[] {
                    PersistLayout.TRAILER_LENGTH,
                    PersistLayout.TRAILER_CRC_OFFSET,
                    PersistLayout.TRAILER_MARKER_OFFSET,
                    PersistLayout.TRAILER_MARKER,
                    PersistLayout.TRAILER_ENTRY_COUNT_OFFSET,
                    PersistLayout.TRAILER_FILE_LENGTH_OFFSET
                })
                .containsExactly(24, 0, 4, -1, 8, 16);
        assertThat(new int[] {
                    PersistLayout.MANIFEST_LENGTH,
                    PersistLayout.MANIFEST_HISTORY_ID_OFFSET,
                    PersistLayout.MANIFEST_SNAPSHOT_SEQ_OFFSET,
                    PersistLayout.MANIFEST_FIRST_LOG_SEQ_OFFSET,
                    PersistLayout.MANIFEST_WRITTEN_MILLIS_OFFSET,
                    PersistLayout.MANIFEST_RESERVED_OFFSET,
                    PersistLayout.MANIFEST_CRC_OFFSET
                })
                .containsExactly(64, 16, 24, 32, 40, 48, 60);
        assertThat(new int[] {
                    PersistLayout.ALIGNMENT,
                    PersistLayout.MAX_KEY_LENGTH,
                    PersistLayout.MAX_VALUE_LENGTH,
                    PersistLayout.MAX_RECORD_LENGTH
                })
                .containsExactly(8, 65_536, 16 << 20, 16 + 65_536 + (16 << 20));
    }
}
