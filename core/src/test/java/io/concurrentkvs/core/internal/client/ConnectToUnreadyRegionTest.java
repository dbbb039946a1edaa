package io.concurrentkvs.core.internal.client;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.concurrentkvs.core.ConnectionOptions;
import io.concurrentkvs.core.KvsUnavailableException;
import io.concurrentkvs.core.internal.region.Processes;
import io.concurrentkvs.core.internal.region.Region;
import io.concurrentkvs.core.internal.region.RegionGeometry;
import io.concurrentkvs.core.internal.region.RegionNotReadyException;
import io.concurrentkvs.core.internal.region.ServerIdentity;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ClientEngine#connect}: which unavailability it waits out, told apart by exception type. */
class ConnectToUnreadyRegionTest {
    @TempDir
    Path dir;

    @Test
    void aRegionThatNeverBecomesReadyFailsTheConnectWithRegionNotReadyAfterTheConnectTimeout() {
        Path path = dir.resolve("r");
        Region region = Region.create(
                path,
                new RegionGeometry(64, 32, 64, 4, 8, 2000, 100),
                Region.defaultPermissions(),
                new ServerIdentity(Processes.currentPid(), Processes.currentStartMillis(), 42, 1, 1, 16));
        try {
            ConnectionOptions options = ConnectionOptions.builder()
                    .path(path)
                    .connectTimeout(Duration.ofMillis(50))
                    .build();
            assertThatThrownBy(() -> ClientEngine.connect("r", path, options))
                    .isInstanceOf(RegionNotReadyException.class)
                    .hasMessageContaining("still being initialised");
        } finally {
            region.unmap();
        }
    }

    @Test
    void aMissingRegionIsUnavailableButNotWaitingToBeReady() {
        Path path = dir.resolve("absent");
        ConnectionOptions options = ConnectionOptions.builder()
                .path(path)
                .connectTimeout(Duration.ofMinutes(5))
                .build();
        // With a five-minute connect timeout a wait would hang the test: a missing file fails at once.
        assertThatThrownBy(() -> ClientEngine.connect("absent", path, options))
                .isInstanceOf(KvsUnavailableException.class)
                .isNotInstanceOf(RegionNotReadyException.class)
                .hasMessageContaining("no region");
    }
}
