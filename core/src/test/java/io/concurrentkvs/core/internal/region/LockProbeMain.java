package io.concurrentkvs.core.internal.region;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A child JVM that tells whether some process holds the lock on a lock file: prints {@code ABSENT}, {@code
 * FREE} or {@code HELD}, then {@code length=<bytes> pid=<record pid or 0>}. JDK classes only, so its class
 * path is just the test classes. A lock dropped by a close in the holder's process is visible only from
 * another process, hence a child.
 */
public final class LockProbeMain {
    private LockProbeMain() {}

    public static void main(String[] args) throws IOException {
        Path path = Path.of(args[0]);
        try (FileChannel channel =
                FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            long length = channel.size();
            ByteBuffer record = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(record, 0);
            long pid = record.position() == 32 ? record.getLong(16) : 0;
            FileLock lock = channel.tryLock();
            System.out.println((lock == null ? "HELD" : "FREE") + " length=" + length + " pid=" + pid);
        } catch (NoSuchFileException absent) {
            System.out.println("ABSENT");
        }
    }
}
