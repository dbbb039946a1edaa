package io.concurrentkvs.core.internal.memory;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * Maps windows of a file as {@link Memory} and unmaps them deterministically: a store file is hundreds of
 * megabytes of {@code /dev/shm}, which a garbage-collected mapping would keep allocated long after the
 * file was removed. The memory access behind the views is {@link MemoryAccess}'s choice for this JVM.
 * Stateless.
 */
public final class MappedFiles {
    /**
     * The largest window one mapping may have: views index a buffer with an int. The region is at most this
     * long, and the store maps its data in windows of at most 1 GiB.
     */
    public static final long MAX_MAPPING_LENGTH = Integer.MAX_VALUE;

    private MappedFiles() {}

    /** A mapped window and its memory view. Unmap it only when no thread can touch the view again. */
    public static final class Mapping {
        private final Memory memory;
        private final Runnable release;
        private boolean unmapped;

        Mapping(Memory memory, Runnable release) {
            this.memory = memory;
            this.release = release;
        }

        public Memory memory() {
            return memory;
        }

        /**
         * Releases the mapping now. Any later access through {@link #memory()} would fault (crash the JVM
         * with the Unsafe access of Java 17-23; throw {@link IllegalStateException} with the FFM mapping of
         * Java 24+), so the caller guarantees none happens. Idempotent; not thread-safe.
         */
        public void unmap() {
            if (!unmapped) {
                unmapped = true;
                release.run();
            }
        }
    }

    /**
     * Maps {@code [position, position + length)} of {@code channel} read-write.
     *
     * @throws IllegalArgumentException if {@code length} is negative or over {@link #MAX_MAPPING_LENGTH}
     */
    public static Mapping map(FileChannel channel, long position, long length) throws IOException {
        if (length < 0 || length > MAX_MAPPING_LENGTH) {
            throw new IllegalArgumentException(
                    "a mapping is 0 to " + MAX_MAPPING_LENGTH + " bytes long, not " + length + " bytes");
        }
        return MemoryAccess.backend().map(channel, position, (int) length);
    }

    /**
     * Memory over a new private direct buffer of {@code length} bytes, zeroed and 8-byte aligned: for a
     * thread's copy of shared data (no file behind it). Freed with the view, by the garbage collector.
     */
    public static Memory allocateDirect(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("length must be >= 0: " + length);
        }
        return MemoryAccess.backend().allocateDirect(length);
    }
}
