package io.concurrentkvs.core.internal.memory;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The {@link MemoryBackend} of Java 24+: {@link ByteBufferMemory} (VarHandles, no {@code sun.misc.Unsafe}).
 *
 * <p>Mappings: on Java 22+ through the Foreign Function and Memory API, {@code FileChannel.map(mode,
 * position, length, Arena.ofShared())} viewed with {@code MemorySegment.asByteBuffer()}, so that closing the
 * arena unmaps deterministically (an access after that throws {@link IllegalStateException}; it cannot
 * crash the JVM). The code is compiled for Java 17, so those three methods are looked up reflectively, once,
 * when this class is initialised. Before Java 22 (only when {@link MemoryAccess#PROPERTY} forces this
 * backend, e.g. to compare it in a benchmark) a plain {@code FileChannel.map} is used and {@link
 * MappedFiles.Mapping#unmap} leaves the pages to the garbage collector, which releases them once the view is
 * unreachable.
 *
 * <p>Allocations: {@link ByteBuffer#allocateDirect} with 7 spare bytes, sliced to an 8-byte aligned start;
 * the garbage collector frees them. Stateless apart from the method handles; thread-safe.
 */
final class VarHandleBackend extends MemoryBackend {
    /** The first Java release with the FFM API final ({@code Arena}, {@code FileChannel.map(..., Arena)}). */
    static final int FFM_FEATURE_RELEASE = 22;

    private final ForeignMapper foreign;

    private VarHandleBackend(ForeignMapper foreign) {
        this.foreign = foreign;
    }

    /** This backend, mapping through FFM if this Java has it. */
    static MemoryBackend create() {
        return new VarHandleBackend(Runtime.version().feature() >= FFM_FEATURE_RELEASE ? ForeignMapper.lookUp() : null);
    }

    @Override
    String name() {
        return MemoryAccess.VARHANDLE;
    }

    /** Whether {@link MappedFiles.Mapping#unmap} releases a mapping at once (FFM), rather than the GC later. */
    boolean unmapsDeterministically() {
        return foreign != null;
    }

    @Override
    MappedFiles.Mapping map(FileChannel channel, long position, int length) throws IOException {
        if (foreign != null) {
            return foreign.map(channel, position, length);
        }
        MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, position, length);
        return new MappedFiles.Mapping(new ByteBufferMemory(buffer), () -> {});
    }

    @Override
    Memory allocateDirect(int length) {
        if (length > Integer.MAX_VALUE - 7) {
            throw new IllegalArgumentException("an aligned direct buffer is at most 2 GiB - 8 bytes: " + length);
        }
        ByteBuffer aligned = ByteBuffer.allocateDirect(length + 7).alignedSlice(8);
        return new ByteBufferMemory(aligned.limit(length).slice());
    }

    /** FFM's mapping methods, looked up by name because this code is compiled with {@code --release 17}. */
    private static final class ForeignMapper {
        private final MethodHandle ofShared;
        private final MethodHandle mapInArena;
        private final MethodHandle asByteBuffer;

        private ForeignMapper(MethodHandle ofShared, MethodHandle mapInArena, MethodHandle asByteBuffer) {
            this.ofShared = ofShared;
            this.mapInArena = mapInArena;
            this.asByteBuffer = asByteBuffer;
        }

        static ForeignMapper lookUp() {
            try {
                MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                Class<?> arena = Class.forName("java.lang.foreign.Arena");
                Class<?> segment = Class.forName("java.lang.foreign.MemorySegment");
                MethodHandle ofShared = lookup.findStatic(arena, "ofShared", MethodType.methodType(arena))
                        .asType(MethodType.methodType(AutoCloseable.class));
                MethodHandle map = lookup.findVirtual(
                                FileChannel.class,
                                "map",
                                MethodType.methodType(
                                        segment, FileChannel.MapMode.class, long.class, long.class, arena))
                        .asType(MethodType.methodType(
                                Object.class,
                                FileChannel.class,
                                FileChannel.MapMode.class,
                                long.class,
                                long.class,
                                AutoCloseable.class));
                MethodHandle asByteBuffer = lookup.findVirtual(
                                segment, "asByteBuffer", MethodType.methodType(ByteBuffer.class))
                        .asType(MethodType.methodType(ByteBuffer.class, Object.class));
                return new ForeignMapper(ofShared, map, asByteBuffer);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(
                        "Java " + Runtime.version().feature() + " lacks the FFM mapping API it should have", e);
            }
        }

        MappedFiles.Mapping map(FileChannel channel, long position, int length) throws IOException {
            AutoCloseable arena = newArena();
            try {
                Object segment =
                        mapInArena.invokeExact(channel, FileChannel.MapMode.READ_WRITE, position, (long) length, arena);
                ByteBuffer buffer = (ByteBuffer) asByteBuffer.invokeExact(segment);
                return new MappedFiles.Mapping(new ByteBufferMemory(buffer), () -> close(arena));
            } catch (IOException | RuntimeException | Error e) {
                close(arena);
                throw e;
            } catch (Throwable e) {
                close(arena);
                throw new IllegalStateException("FileChannel.map with an arena failed unexpectedly", e);
            }
        }

        private AutoCloseable newArena() {
            try {
                return (AutoCloseable) ofShared.invokeExact();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException("Arena.ofShared() failed unexpectedly", e);
            }
        }

        /** Closes a shared arena: its mappings are unmapped once every thread is out of an access to them. */
        private static void close(AutoCloseable arena) {
            try {
                arena.close();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("Arena.close() declares no checked exception, yet threw", e);
            }
        }
    }
}
