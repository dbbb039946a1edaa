package io.concurrentkvs.core.internal.memory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * Every {@link Memory} implementation as a named factory, for contract tests that must hold for each: the
 * heap one, the VarHandle one over a direct allocation and over a mapped temporary file (built directly, so
 * they run on Java 17 too), and Chronicle's Unsafe one where it is the default (Java 17-23: on 24+ it would
 * print the deprecation warning this project avoids). Files it creates are removed by {@link #close}.
 */
final class MemoryKinds implements AutoCloseable {
    /** One implementation: {@code create} returns a zeroed memory of the given capacity. */
    record Kind(String name, IntFunction<Memory> create) {
        @Override
        public String toString() {
            return name;
        }
    }

    private final List<Path> files = new ArrayList<>();

    Stream<Kind> all() {
        List<Kind> kinds = new ArrayList<>();
        kinds.add(new Kind("heap", HeapMemory::new));
        kinds.add(new Kind(
                "varhandle-direct", capacity -> VarHandleBackend.create().allocateDirect(capacity)));
        kinds.add(new Kind("varhandle-mapped", capacity -> new ByteBufferMemory(mapTemporaryFile(capacity))));
        if (Runtime.version().feature() < MemoryAccess.VARHANDLE_DEFAULT_FROM_RELEASE) {
            kinds.add(
                    new Kind("unsafe-direct", capacity -> UnsafeBackend.create().allocateDirect(capacity)));
        }
        return kinds.stream();
    }

    /** A new temporary file of {@code length} zero bytes, mapped read-write (released by the GC). */
    MappedByteBuffer mapTemporaryFile(int length) {
        try {
            Path file = newTemporaryFile();
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                return channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path newTemporaryFile() throws IOException {
        Path file = Files.createTempFile("kvs-memory-", ".map");
        files.add(file);
        return file;
    }

    @Override
    public void close() throws IOException {
        for (Path file : files) {
            Files.deleteIfExists(file);
        }
        files.clear();
    }
}
