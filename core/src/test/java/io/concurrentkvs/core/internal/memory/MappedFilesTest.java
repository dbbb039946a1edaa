package io.concurrentkvs.core.internal.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Mapping a file, writing through the view, unmapping and mapping it again reads back what was written:
 * with this JVM's choice ({@link MappedFiles}) and with the VarHandle backend built directly, which maps
 * through FFM (deterministic unmapping) only on Java 22+.
 */
class MappedFilesTest {
    private final MemoryKinds files = new MemoryKinds();

    @AfterEach
    void removeFiles() throws IOException {
        files.close();
    }

    @Test
    void whatOneMappingWroteAnotherReadsBackAfterTheUnmapWithThisJvmsChoice() throws IOException {
        writeUnmapRemapRead(MemoryAccess.backend());
    }

    @Test
    void whatOneMappingWroteAnotherReadsBackAfterTheUnmapWithVarHandles() throws IOException {
        writeUnmapRemapRead(VarHandleBackend.create());
    }

    private void writeUnmapRemapRead(MemoryBackend backend) throws IOException {
        Path file = files.newTemporaryFile();
        int length = 3 * 4096;
        int windowAt = 4096;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MappedFiles.Mapping first = backend.map(channel, windowAt, length);
            Memory memory = first.memory();
            assertThat(memory.capacity()).isEqualTo(length);
            memory.putLongRelease(0, 0x0807060504030201L);
            assertThat(memory.compareAndSetInt(8, 0, 77)).isTrue();
            memory.putBytes(length - 3, new byte[] {9, 8, 7}, 0, 3);
            first.unmap();
            first.unmap(); // idempotent

            assertThat(channel.size()).as("the file grew to hold the window").isEqualTo(windowAt + length);
            MappedFiles.Mapping whole = backend.map(channel, 0, windowAt + length);
            Memory again = whole.memory();
            assertThat(again.getLongAcquire(windowAt)).isEqualTo(0x0807060504030201L);
            assertThat(again.getIntVolatile(windowAt + 8)).isEqualTo(77);
            byte[] tail = new byte[3];
            again.getBytes(windowAt + length - 3, tail, 0, 3);
            assertThat(tail).containsExactly(9, 8, 7);
            assertThat(again.getLong(0)).as("outside the first window").isZero();
            whole.unmap();
        }
    }

    @Test
    void anFfmMappingThrowsAfterItsUnmapInsteadOfFaulting() throws IOException {
        VarHandleBackend backend = (VarHandleBackend) VarHandleBackend.create();
        assumeTrue(
                backend.unmapsDeterministically(),
                "FFM mapping needs Java " + VarHandleBackend.FFM_FEATURE_RELEASE + "+; this is Java "
                        + Runtime.version().feature());
        Path file = files.newTemporaryFile();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MappedFiles.Mapping mapping = backend.map(channel, 0, 4096);
            Memory memory = mapping.memory();
            memory.putLongVolatile(0, 5);
            mapping.unmap();
            assertThatThrownBy(() -> memory.getLongVolatile(0)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> memory.slice(8, 8).putLong(0, 1)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aWindowLongerThanAnIntCanIndexIsRefusedBeforeMapping() throws IOException {
        Path file = files.newTemporaryFile();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            assertThatThrownBy(() -> MappedFiles.map(channel, 0, MappedFiles.MAX_MAPPING_LENGTH + 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("2147483647");
            assertThat(channel.size())
                    .as("nothing mapped, so the file did not grow")
                    .isZero();
        }
    }

    @Test
    void javaTwentyFourAndLaterUseVarHandlesUnlessThePropertySaysOtherwise() {
        assertThat(MemoryAccess.defaultOrForced(null, 17)).isEqualTo(MemoryAccess.UNSAFE);
        assertThat(MemoryAccess.defaultOrForced("", 23)).isEqualTo(MemoryAccess.UNSAFE);
        assertThat(MemoryAccess.defaultOrForced(null, 24)).isEqualTo(MemoryAccess.VARHANDLE);
        assertThat(MemoryAccess.defaultOrForced(null, 25)).isEqualTo(MemoryAccess.VARHANDLE);
        assertThat(MemoryAccess.defaultOrForced("varhandle", 17)).isEqualTo(MemoryAccess.VARHANDLE);
        assertThat(MemoryAccess.defaultOrForced("unsafe", 25)).isEqualTo(MemoryAccess.UNSAFE);
        assertThatThrownBy(() -> MemoryAccess.defaultOrForced("ffm", 25))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(MemoryAccess.PROPERTY)
                .hasMessageContaining("'ffm'");
        assertThat(MemoryAccess.name())
                .isEqualTo(MemoryAccess.defaultOrForced(
                        System.getProperty(MemoryAccess.PROPERTY),
                        Runtime.version().feature()));
    }
}
