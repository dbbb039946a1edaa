package io.concurrentkvs.bench.load;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;

/**
 * Bytes allocated on the heap by every live thread of this process, its CPU time, and heap occupancy after a GC:
 * HotSpot's per-thread allocation counters ({@code com.sun.management.ThreadMXBean}) summed. Threads that
 * ended in between are missed, which is why callers take both readings while the same threads live.
 */
final class ProcessAllocations {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private ProcessAllocations() {}

    /** CPU time this process has used so far, all threads, in nanoseconds. */
    static long cpuNanos() {
        return OS.getProcessCpuTime();
    }

    static long total() {
        long sum = 0;
        for (long bytes : THREADS.getThreadAllocatedBytes(THREADS.getAllThreadIds())) {
            if (bytes > 0) {
                sum += bytes;
            }
        }
        return sum;
    }

    /** Used heap after full collections, once it stops shrinking (a single System.gc() may not finish). */
    static long usedHeapAfterGc() throws InterruptedException {
        long previous = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(200);
            MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            long used = heap.getUsed();
            if (used >= previous - 1024) {
                return Math.min(used, previous);
            }
            previous = used;
        }
        return previous;
    }
}
