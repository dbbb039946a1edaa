package io.concurrentkvs.core.internal.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The persistence directory's names and file helpers. */
class PersistFilesTest {
    @TempDir
    Path dir;

    @Test
    void namesCarryTheSeqAsSixteenHexDigitsAndParseBack() {
        assertThat(PersistFiles.logPath(dir, 0x1aL)).isEqualTo(dir.resolve("log-000000000000001a.kvslog"));
        assertThat(PersistFiles.snapshotPath(dir, 255)).isEqualTo(dir.resolve("snapshot-00000000000000ff.kvssnap"));
        assertThat(PersistFiles.manifestPath(dir)).isEqualTo(dir.resolve("MANIFEST"));
        assertThat(PersistFiles.tempOf(dir.resolve("MANIFEST"))).isEqualTo(dir.resolve("MANIFEST.tmp"));
        for (long seq : new long[] {0, 1, 0x7fff_ffff_ffff_ffffL, -1}) {
            assertThat(PersistFiles.logSeqOf(PersistFiles.logPath(dir, seq))).hasValue(seq);
            assertThat(PersistFiles.snapshotSeqOf(PersistFiles.snapshotPath(dir, seq)))
                    .hasValue(seq);
        }
    }

    @Test
    void namesThatAreNotOursParseToEmpty() {
        for (String name : new String[] {
            "log-1.kvslog",
            "log-000000000000001A.kvslog",
            "log-000000000000001a.kvslog.tmp",
            "snapshot-000000000000001a.kvslog",
            "MANIFEST",
            "x-000000000000001a.kvslog",
            "log-00000000000000001a.kvslog"
        }) {
            assertThat(PersistFiles.logSeqOf(dir.resolve(name))).as(name).isEqualTo(OptionalLong.empty());
        }
        assertThat(PersistFiles.snapshotSeqOf(dir.resolve("snapshot-0000000000000001.kvssnap.tmp")))
                .isEmpty();
        assertThat(PersistFiles.snapshotSeqOf(dir.resolve("log-0000000000000001.kvslog")))
                .isEmpty();
        assertThat(PersistFiles.logSeqOf(dir.getRoot())).isEmpty();
    }

    @Test
    void createNewMakesAnOwnerOnlyFileAndRefusesAnExistingOne() throws IOException {
        Path p = dir.resolve("f");
        try (FileChannel ch = PersistFiles.createNew(p)) {
            assertThat(ch.size()).isZero();
        }
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
                    .isEqualTo("rw-------");
        }
        assertThatThrownBy(() -> PersistFiles.createNew(p)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(PersistFiles.OWNER_ONLY).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void forceDirectoryWorksOnADirectoryAndFailsOnAMissingOne() throws IOException {
        PersistFiles.forceDirectory(dir);
        if (!System.getProperty("os.name").startsWith("Windows")) {
            assertThatThrownBy(() -> PersistFiles.forceDirectory(dir.resolve("missing")))
                    .isInstanceOf(IOException.class);
        }
    }
}
