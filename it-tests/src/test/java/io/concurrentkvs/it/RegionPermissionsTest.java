package io.concurrentkvs.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.concurrentkvs.core.internal.region.RegionPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who may attach: a server process creates its region file owner-only (0600) unless configured to share
 * it with its group. Checked on the file a real server JVM created, whatever this JVM's umask.
 */
class RegionPermissionsTest {
    @RegisterExtension
    final ProcessFixture processes = new ProcessFixture();

    @Test
    void regionFileIsOwnerOnlyByDefault() throws IOException {
        ServerProcess server = ServerProcess.start(processes, "mode");
        Path region = RegionPaths.defaultPath(server.name());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(region)))
                .isEqualTo("rw-------");
        assertThat(Files.getOwner(region).getName()).isEqualTo(System.getProperty("user.name"));
    }

    @Test
    void regionFileCanBeSharedWithTheOwnersGroup() throws IOException {
        ServerProcess server = ServerProcess.start(processes, "groupmode", Args.of("permissions", "rw-rw----"));
        Path region = RegionPaths.defaultPath(server.name());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(region)))
                .isEqualTo("rw-rw----");

        // A restart creates a new file: the configured mode holds for it too.
        server.child().send("stop");
        server.child().awaitLine("SERVING_STOPPED", ServerProcess.STARTUP);
        server.child().send("start");
        server.child().awaitLine("SERVING_AGAIN", ServerProcess.STARTUP);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(region)))
                .isEqualTo("rw-rw----");
    }
}
