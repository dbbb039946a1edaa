package io.concurrentkvs.core.internal.region;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.concurrentkvs.core.KvsIncompatibleRegionException;
import io.concurrentkvs.core.KvsRegionInUseException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * White-box tests of {@link RegionLock}. A POSIX record lock dropped by a close in the holder's process is
 * invisible from that process, so whether a lock is still held is asked of a child JVM ({@link
 * LockProcesses#probe}); reading the lock file from this JVM while it holds the lock would itself drop it.
 */
class RegionLockTest {
    private final String name = "kvs-lock-" + ProcessHandle.current().pid() + "-"
            + ThreadLocalRandom.current().nextInt(1 << 30);
    private final Path region = Path.of("/dev/shm", name);
    private final Path lockPath = Path.of("/dev/shm", name + ".lock");
    private final long myPid = ProcessHandle.current().pid();

    @TempDir
    Path dir;

    @AfterEach
    void nothingLeftInDevShm() throws Exception {
        try (var files = Files.list(Path.of("/dev/shm"))) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(name)))
                    .isEmpty();
        }
    }

    @Test
    void theLockRecordLayoutIsPinned() {
        assertThat(LockFileDescriptor.MAGIC).isEqualTo(0x4B434F4C53564B43L);
        assertThat(LockFileDescriptor.VERSION).isEqualTo(1);
        assertThat(new int[] {
                    LockFileDescriptor.MAGIC_OFFSET,
                    LockFileDescriptor.VERSION_OFFSET,
                    LockFileDescriptor.RESERVED_OFFSET,
                    LockFileDescriptor.PID_OFFSET,
                    LockFileDescriptor.TOKEN_OFFSET,
                    LockFileDescriptor.LENGTH
                })
                .containsExactly(0, 8, 12, 16, 24, 32);
    }

    @Test
    void theHolderKeepsItsLockAfterTakingItAndWritesAFixedSizeRecordWithItsPidInAFileOfMode0600() throws Exception {
        RegionLock lock = RegionLock.acquire(region);
        try {
            assertThat(LockProcesses.probe(lockPath)).isEqualTo("HELD length=32 pid=" + myPid);
            assertThat(PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(lockPath, LinkOption.NOFOLLOW_LINKS)))
                    .isEqualTo("rw-------");
        } finally {
            lock.close();
        }
        assertThat(LockProcesses.probe(lockPath)).isEqualTo("ABSENT");
    }

    @Test
    void aSecondHolderInThisJvmIsRefusedAndTheFirstStillHoldsTheLockAfterwards() throws Exception {
        Path real = Files.createDirectory(dir.resolve("real"));
        Path alias = Files.createSymbolicLink(dir.resolve("alias"), real);
        RegionLock first = RegionLock.acquire(region);
        RegionLock inDir = RegionLock.acquire(real.resolve("r"));
        try {
            for (Path spelling : List.of(region, Path.of("/dev/shm/./" + name), Path.of("/dev/../dev/shm/" + name))) {
                assertThatThrownBy(() -> RegionLock.acquire(spelling))
                        .isInstanceOfSatisfying(KvsRegionInUseException.class, e -> {
                            assertThat(e.pid()).isEqualTo(myPid);
                            assertThat(e.getMessage())
                                    .contains(name + ".lock", "live process " + myPid + " (this process)");
                        });
            }
            assertThatThrownBy(() -> RegionLock.acquire(alias.resolve("r")))
                    .isInstanceOf(KvsRegionInUseException.class);
            assertThat(LockProcesses.probe(lockPath)).isEqualTo("HELD length=32 pid=" + myPid);
            assertThat(LockProcesses.probe(real.resolve("r.lock"))).isEqualTo("HELD length=32 pid=" + myPid);
        } finally {
            first.close();
            inDir.close();
        }
        // Released and forgotten: the name can be taken again.
        RegionLock.acquire(region).close();
    }

    @Test
    void threadsRacingForOneLockLeaveExactlyOneHolderAndItsLockHeld() throws Exception {
        int threads = 8;
        for (int round = 0; round < 5; round++) {
            CyclicBarrier barrier = new CyclicBarrier(threads);
            List<CompletableFuture<Object>> outcomes = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                outcomes.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        barrier.await();
                        return RegionLock.acquire(region);
                    } catch (RuntimeException e) {
                        return e;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            List<Object> results = new ArrayList<>();
            for (CompletableFuture<Object> outcome : outcomes) {
                results.add(outcome.get());
            }
            List<Object> winners =
                    results.stream().filter(o -> o instanceof RegionLock).toList();
            try {
                assertThat(winners).as("round %d: %s", round, results).hasSize(1);
                assertThat(results)
                        .filteredOn(o -> o instanceof KvsRegionInUseException)
                        .hasSize(threads - 1);
                assertThat(LockProcesses.probe(lockPath)).isEqualTo("HELD length=32 pid=" + myPid);
            } finally {
                winners.forEach(w -> ((RegionLock) w).close());
            }
        }
    }

    @Test
    void aHolderInAnotherProcessKeepsUsOutNamingItsPidAndAKilledOnesFileIsTakenOver() throws Exception {
        LockProcesses.Holder holder = LockProcesses.startHolder(region);
        try {
            assertThatThrownBy(() -> RegionLock.acquire(region))
                    .isInstanceOfSatisfying(KvsRegionInUseException.class, e -> {
                        assertThat(e.pid()).isEqualTo(holder.pid());
                        assertThat(e.getMessage()).contains(lockPath.toString(), "live process " + holder.pid());
                    });
            // Our refused attempt opened and closed the file: that must not have touched the other process's lock.
            assertThat(LockProcesses.probe(lockPath)).isEqualTo("HELD length=32 pid=" + holder.pid());
        } finally {
            holder.kill();
        }
        assertThat(Files.exists(lockPath))
                .as("a killed holder leaves its lock file")
                .isTrue();
        RegionLock next = RegionLock.acquire(region);
        try {
            assertThat(LockProcesses.probe(lockPath)).isEqualTo("HELD length=32 pid=" + myPid);
        } finally {
            next.close();
        }
    }

    @Test
    void aWaiterThatLocksTheFileItsPreviousHolderDeletedNoticesAndDoesNotDisturbTheNewHolder() throws Exception {
        RegionLock previous = RegionLock.acquire(region);
        // A waiter opened the file before the previous holder let go (in another process in real life).
        FileChannel stale = FileChannel.open(lockPath, StandardOpenOption.READ, StandardOpenOption.WRITE);
        previous.close(); // deletes the file while holding it, then releases
        assertThat(Files.exists(lockPath)).isFalse();
        RegionLock current = RegionLock.acquire(region); // a new file at the path
        try {
            // The stale descriptor can be locked now, but the path names another file: no lock, try again.
            assertThat(RegionLock.lockOpened(lockPath, stale)).isNull();
            assertThat(stale.isOpen()).isFalse();
            // Checking the path opened the current holder's file; that descriptor was not closed under it.
            assertThat(LockProcesses.probe(lockPath)).isEqualTo("HELD length=32 pid=" + myPid);
        } finally {
            current.close();
        }
        FileChannel orphan = FileChannel.open(
                lockPath, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        Files.delete(lockPath);
        assertThat(RegionLock.lockOpened(lockPath, orphan))
                .as("a file no longer at the path")
                .isNull();
        assertThat(Files.exists(lockPath)).isFalse();
    }

    @Test
    void aLockFileDeletedAndRecreatedUnderItsHolderIsLeftToItsNewOwner() throws Exception {
        RegionLock lock = RegionLock.acquire(region);
        try {
            Files.delete(lockPath); // someone removed it; deleting opens no descriptor of the held file
            assertThatThrownBy(() -> RegionLock.acquire(region))
                    .as("still held in this JVM")
                    .isInstanceOf(KvsRegionInUseException.class);
            Files.writeString(lockPath, "another file\n");
        } finally {
            lock.close();
        }
        assertThat(Files.readString(lockPath))
                .as("close deletes only the file it locked")
                .isEqualTo("another file\n");
        Files.delete(lockPath);
    }

    @Test
    void aLockFileThatIsNotOursIsRefusedNamingItAndLeftUntouched() throws Exception {
        ByteBuffer wrongVersion = record(LockFileDescriptor.MAGIC, 2, 42, 7);
        ByteBuffer pidZero = record(LockFileDescriptor.MAGIC, 1, 0, 7);
        byte[] oversized = new byte[1 << 20];
        System.arraycopy(record(LockFileDescriptor.MAGIC, 1, 42, 7).array(), 0, oversized, 0, 32);
        byte[] random = new byte[32];
        ThreadLocalRandom.current().nextBytes(random);
        random[0] = 1; // never our magic
        List<byte[]> contents = List.of(
                "my notes\n".getBytes(StandardCharsets.UTF_8),
                wrongVersion.array(),
                pidZero.array(),
                oversized,
                random,
                new byte[] {'C'});
        for (byte[] content : contents) {
            Files.write(lockPath, content);
            try {
                assertThatThrownBy(() -> RegionLock.acquire(region))
                        .as("%d bytes", content.length)
                        .isInstanceOf(KvsIncompatibleRegionException.class)
                        .hasMessageContaining(lockPath.toString());
                assertThat(Files.readAllBytes(lockPath)).isEqualTo(content);
            } finally {
                Files.delete(lockPath);
            }
        }
        RegionLock.acquire(region).close(); // a refusal leaves nothing reserved
    }

    @Test
    void anEmptyLockFileIsTakenOver() throws Exception {
        Files.createFile(lockPath); // a holder killed between creating the file and writing its record
        RegionLock lock = RegionLock.acquire(region);
        try {
            assertThat(LockProcesses.probe(lockPath)).isEqualTo("HELD length=32 pid=" + myPid);
        } finally {
            lock.close();
        }
    }

    @Test
    void aSymbolicLinkOrADirectoryAtTheLockPathIsRefusedAndNothingIsFollowed() throws Exception {
        Path target = dir.resolve("target.txt");
        Files.writeString(target, "keep me\n");
        Path regionInDir = dir.resolve("r");
        Path lockInDir = dir.resolve("r.lock");
        Files.createSymbolicLink(lockInDir, target);
        assertThatThrownBy(() -> RegionLock.acquire(regionInDir))
                .isInstanceOf(KvsIncompatibleRegionException.class)
                .hasMessageContaining(lockInDir.toString())
                .hasMessageContaining("symbolic link");
        assertThat(Files.readString(target)).isEqualTo("keep me\n");
        assertThat(Files.isSymbolicLink(lockInDir)).isTrue();
        Files.delete(lockInDir);

        Path missing = dir.resolve("missing.txt");
        Files.createSymbolicLink(lockInDir, missing);
        assertThatThrownBy(() -> RegionLock.acquire(regionInDir)).isInstanceOf(KvsIncompatibleRegionException.class);
        assertThat(Files.exists(missing, LinkOption.NOFOLLOW_LINKS))
                .as("a dangling link's target is not created")
                .isFalse();
        Files.delete(lockInDir);

        Files.createDirectory(lockInDir);
        assertThatThrownBy(() -> RegionLock.acquire(regionInDir))
                .isInstanceOf(KvsIncompatibleRegionException.class)
                .hasMessageContaining("directory");
        assertThat(Files.isDirectory(lockInDir)).isTrue();
        Files.delete(lockInDir);

        RegionLock.acquire(regionInDir).close();
        assertThat(Files.exists(lockInDir, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    private static ByteBuffer record(long magic, int version, long pid, long token) {
        ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, magic).putInt(8, version).putLong(16, pid).putLong(24, token);
        return b;
    }
}
