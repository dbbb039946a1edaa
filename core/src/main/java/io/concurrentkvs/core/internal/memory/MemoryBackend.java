package io.concurrentkvs.core.internal.memory;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * One way of turning native memory into {@link Memory}: {@link UnsafeBackend} (Chronicle Core's
 * {@code UnsafeMemory}) or {@link VarHandleBackend} (no {@code sun.misc.Unsafe}). {@link MemoryAccess}
 * picks one per JVM; {@link MappedFiles} is the only caller. Implementations are stateless and
 * thread-safe.
 *
 * <p>Callers refer to the implementations only through this type and their static {@code create()}
 * methods (declared to return this type), so the class verifier never has to load the one not chosen.
 */
abstract class MemoryBackend {
    /** The name {@link MemoryAccess#PROPERTY} selects this backend by. */
    abstract String name();

    /** Maps {@code [position, position + length)} of {@code channel} read-write; length fits an int. */
    abstract MappedFiles.Mapping map(FileChannel channel, long position, int length) throws IOException;

    /** Memory over a new zeroed direct allocation of {@code length} bytes, 8-byte aligned, freed by the GC. */
    abstract Memory allocateDirect(int length);
}
