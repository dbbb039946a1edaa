package io.concurrentkvs.core.internal.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The manifest: written and read back, replaced atomically, and rejected when damaged. */
class ManifestTest {
    @TempDir
    Path dir;

    @Test
    void aWrittenManifestReadsBackEqual() throws IOException {
        Manifest m = new Manifest(TestLog.HISTORY, 5, 6, 1_700_000_000_000L);
        m.write(dir);
        assertThat(Manifest.read(dir)).contains(m);
        assertThat(Files.size(PersistFiles.manifestPath(dir))).isEqualTo(64);
        assertThat(PersistFiles.tempOf(PersistFiles.manifestPath(dir))).doesNotExist();
    }

    @Test
    void aSecondWriteReplacesTheFirst() throws IOException {
        new Manifest(TestLog.HISTORY, 0, 1, 1).write(dir);
        Manifest second = new Manifest(TestLog.HISTORY, 9, 10, 2);
        second.write(dir);
        assertThat(Manifest.read(dir)).contains(second);
    }

    @Test
    void aMissingManifestIsEmptyAndATempLeftoverIsIgnored() throws IOException {
        assertThat(Manifest.read(dir)).isEmpty();
        Files.write(
                PersistFiles.tempOf(PersistFiles.manifestPath(dir)), new Manifest(TestLog.HISTORY, 1, 2, 3).encode());
        assertThat(Manifest.read(dir)).isEqualTo(Optional.empty());
        Manifest m = new Manifest(TestLog.HISTORY, 4, 5, 6);
        m.write(dir); // replaces the leftover
        Files.write(PersistFiles.tempOf(PersistFiles.manifestPath(dir)), new byte[] {1, 2, 3});
        assertThat(Manifest.read(dir)).contains(m);
    }

    @Test
    void aTornManifestIsRejected() throws IOException {
        byte[] bytes = new Manifest(TestLog.HISTORY, 1, 2, 3).encode();
        for (int length : new int[] {0, 1, 32, 63, 65}) {
            Files.write(PersistFiles.manifestPath(dir), Arrays.copyOf(bytes, length));
            assertThatThrownBy(() -> Manifest.read(dir))
                    .as("length %d", length)
                    .isInstanceOf(PersistenceFormatException.class)
                    .hasMessageContaining("bytes, expected 64");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 7, 10, 12, 16, 24, 32, 40, 48, 59, 60, 63})
    void aCorruptedByteIsRejectedNamingItsField(int offset) throws IOException {
        byte[] bytes = new Manifest(TestLog.HISTORY, 1, 2, 3).encode();
        bytes[offset] ^= 0x20;
        Files.write(PersistFiles.manifestPath(dir), bytes);
        long expected =
                offset < 8 ? 0 : offset < 12 ? 8 : offset < 16 ? 12 : offset < 48 ? 60 : offset < 60 ? offset : 60;
        assertThatThrownBy(() -> Manifest.read(dir)).isInstanceOfSatisfying(PersistenceFormatException.class, e -> {
            assertThat(e.offset()).isEqualTo(expected);
            assertThat(e.file()).isEqualTo(PersistFiles.manifestPath(dir));
        });
    }

    @Test
    void aZeroHistoryIdIsRefused() {
        assertThatThrownBy(() -> new Manifest(0, 1, 2, 3)).isInstanceOf(IllegalArgumentException.class);
    }
}
