package io.concurrentkvs.core.internal.region;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.concurrentkvs.core.KvsIncompatibleRegionException;
import io.concurrentkvs.core.KvsUnavailableException;
import io.concurrentkvs.core.internal.layout.ClientTable;
import io.concurrentkvs.core.internal.ring.RequestRingDescriptor;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegionTest {
    private static final RegionGeometry GEOMETRY = new RegionGeometry(64, 32, 64, 4, 8, 2000, 100);

    @TempDir
    Path dir;

    private Region create(Path path) {
        Region region = Region.create(
                path,
                GEOMETRY,
                Region.defaultPermissions(),
                new ServerIdentity(Processes.currentPid(), Processes.currentStartMillis(), 42, 1, 1, 16));
        region.markReady();
        return region;
    }

    @Test
    void attachSeesWhatCreateWrote() {
        Path path = dir.resolve("r");
        create(path);
        Region attached = Region.attach(path);
        assertThat(attached.geometry()).isEqualTo(GEOMETRY);
        assertThat(attached.epoch()).isEqualTo(42);
        assertThat(attached.serverPid()).isEqualTo(Processes.currentPid());
        assertThat(Region.peekEpoch(path)).isEqualTo(42);
    }

    @Test
    void aHeaderCopyReadsTheSameAsAnAttachedRegion() {
        Path path = dir.resolve("r");
        create(path).setState(RegionHeaderDescriptor.STATE_RUNNING);
        Region copy = Region.readHeader(path);
        assertThat(copy.geometry()).isEqualTo(GEOMETRY);
        assertThat(copy.epoch()).isEqualTo(42);
        assertThat(copy.state()).isEqualTo(RegionHeaderDescriptor.STATE_RUNNING);
    }

    @Test
    void theSectionViewsAreBuiltOnceFromTheGeometryOverTheirSections() {
        Path path = dir.resolve("r");
        Region created = create(path);
        Region attached = Region.attach(path);
        assertThat(attached.ring()).isSameAs(attached.ring());
        assertThat(attached.clientTable()).isSameAs(attached.clientTable());
        assertThat(attached.responseSlots()).isSameAs(attached.responseSlots());
        assertThat(attached.ring().capacity()).isEqualTo(GEOMETRY.ringCapacity());
        assertThat(attached.ring().slotSize()).isEqualTo(GEOMETRY.ringSlotSize());
        assertThat(attached.ring().memory().capacity()).isEqualTo(GEOMETRY.ringLength());
        assertThat(attached.clientTable().capacity()).isEqualTo(GEOMETRY.clientCapacity());
        assertThat(attached.responseSlots().slotsPerClient()).isEqualTo(GEOMETRY.responseSlotsPerClient());
        assertThat(attached.responseSlots().maxValueBytes()).isEqualTo(GEOMETRY.maxValueBytes());

        // Each view lies over its own section of the mapping: what one process writes through its view
        // is at the section's offset for the other.
        long lastSlot = GEOMETRY.ringCapacity() - 1;
        assertThat(attached.memory()
                        .getLong(GEOMETRY.ringOffset()
                                + created.ring().slotOffset(lastSlot)
                                + RequestRingDescriptor.SEQUENCE_OFFSET))
                .isEqualTo(lastSlot);
        ClientTable.Registration registration = created.clientTable().register(4242, 7, 9);
        assertThat(attached.clientTable().pid(registration.index())).isEqualTo(4242);
        created.responseSlots().arm(3, 5, 11);
        long ticket = attached.memory()
                .getLong(GEOMETRY.responseOffset()
                        + (3L * GEOMETRY.responseSlotsPerClient() + 5) * GEOMETRY.responseSlotSize());
        assertThat(ticket).isNotZero().isEqualTo(attached.responseSlots().ticketOf(3, 5));
    }

    @Test
    void aHeaderCopyHasNoSectionViews() {
        Path path = dir.resolve("r");
        create(path);
        Region copy = Region.readHeader(path);
        assertThatThrownBy(copy::ring).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(copy::clientTable).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(copy::responseSlots).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void newRegionIsOwnerReadWriteOnly() throws IOException {
        Path path = dir.resolve("r");
        create(path);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path)))
                .isEqualTo("rw-------");
    }

    @Test
    void attachingToAMissingRegionNamesThePath() {
        Path path = dir.resolve("missing");
        assertThatThrownBy(() -> Region.attach(path))
                .isInstanceOf(KvsUnavailableException.class)
                .hasMessageContaining(path.toString())
                .hasMessageContaining("no region");
    }

    @Test
    void attachingToAFileOfAnotherMagicNamesPathAndReason() throws IOException {
        Path path = dir.resolve("r");
        create(path);
        writeLong(path, RegionHeaderDescriptor.MAGIC_OFFSET, 0x1122334455667788L);
        assertThatThrownBy(() -> Region.attach(path))
                .isInstanceOf(KvsIncompatibleRegionException.class)
                .hasMessageContaining(path.toString())
                .hasMessageContaining("magic");
    }

    @Test
    void attachingToAnotherMajorVersionNamesPathAndReason() throws IOException {
        Path path = dir.resolve("r");
        create(path);
        writeInt(path, RegionHeaderDescriptor.VERSION_OFFSET, (RegionHeaderDescriptor.MAJOR_VERSION + 1) << 16);
        assertThatThrownBy(() -> Region.attach(path))
                .isInstanceOf(KvsIncompatibleRegionException.class)
                .hasMessageContaining(path.toString())
                .hasMessageContaining("layout version " + (RegionHeaderDescriptor.MAJOR_VERSION + 1) + ".0");
    }

    @Test
    void attachingToATruncatedFileFails() throws IOException {
        Path path = dir.resolve("r");
        Files.write(path, new byte[100]);
        assertThatThrownBy(() -> Region.attach(path))
                .isInstanceOf(KvsIncompatibleRegionException.class)
                .hasMessageContaining("shorter than");
    }

    @Test
    void aHeaderWhoseGeometryDoesNotFitTheFileIsRejected() throws IOException {
        Path path = dir.resolve("r");
        create(path);
        writeInt(path, RegionHeaderDescriptor.RING_CAPACITY_OFFSET, 1 << 20);
        assertThatThrownBy(() -> Region.attach(path)).isInstanceOf(KvsIncompatibleRegionException.class);
        writeInt(path, RegionHeaderDescriptor.RING_CAPACITY_OFFSET, 3);
        assertThatThrownBy(() -> Region.attach(path))
                .isInstanceOf(KvsIncompatibleRegionException.class)
                .hasMessageContaining("power of two");
    }

    @Test
    void aRegionNotYetMarkedReadyIsUnavailable() {
        Path path = dir.resolve("r");
        Region.create(path, GEOMETRY, Region.defaultPermissions(), new ServerIdentity(1, 0, 7, 1, 1, 1));
        assertThatThrownBy(() -> Region.attach(path))
                .isInstanceOf(RegionNotReadyException.class)
                .isInstanceOf(KvsUnavailableException.class)
                .hasMessageContaining("initialised");
        assertThatThrownBy(() -> Region.readHeader(path)).isInstanceOf(RegionNotReadyException.class);
        assertThat(Region.peekEpoch(path)).isZero();
    }

    @Test
    void geometryRejectsOutOfRangeSettingsByName() {
        assertThatThrownBy(() -> new RegionGeometry(100, 32, 64, 4, 8, 2000, 100))
                .hasMessageContaining("ringCapacity");
        assertThatThrownBy(() -> new RegionGeometry(64, 0, 64, 4, 8, 2000, 100)).hasMessageContaining("maxKeyBytes");
        assertThatThrownBy(() -> new RegionGeometry(1 << 20, 1 << 20, 16 << 20, 4096, 1 << 16, 2000, 100))
                .hasMessageContaining("can be mapped");
    }

    private static void writeLong(Path path, long offset, long value) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            file.seek(offset);
            file.writeLong(Long.reverseBytes(value));
        }
    }

    private static void writeInt(Path path, long offset, int value) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            file.seek(offset);
            file.writeInt(Integer.reverseBytes(value));
        }
    }
}
