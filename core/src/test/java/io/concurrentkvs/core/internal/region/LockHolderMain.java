package io.concurrentkvs.core.internal.region;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A child JVM that takes the {@link RegionLock} of the region at {@code args[0]}, prints {@code HELD pid=<pid>}
 * (or {@code REFUSED <message>}), holds it until its standard input ends, then releases it and prints {@code
 * RELEASED}.
 */
public final class LockHolderMain {
    private LockHolderMain() {}

    public static void main(String[] args) throws IOException {
        RegionLock lock;
        try {
            lock = RegionLock.acquire(Path.of(args[0]));
        } catch (RuntimeException e) {
            System.out.println("REFUSED " + e);
            return;
        }
        System.out.println("HELD pid=" + ProcessHandle.current().pid());
        while (System.in.read() >= 0) {
            // hold until the parent closes our input (or kills us)
        }
        lock.close();
        System.out.println("RELEASED");
    }
}
