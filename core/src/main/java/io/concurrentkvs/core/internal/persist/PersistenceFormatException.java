package io.concurrentkvs.core.internal.persist;

import io.concurrentkvs.core.KvsException;
import java.nio.file.Path;

/**
 * A file of the persistence directory is not a valid file of its format: the message names the file, the
 * byte offset of the first field found wrong and what is wrong with it. Thrown by the readers in this package
 * for a bad header, manifest or snapshot; a log's torn tail is not an exception but a
 * {@link LogStop#TORN} scan. Immutable.
 */
public final class PersistenceFormatException extends KvsException {
    private static final long serialVersionUID = 1L;

    /** Not serialized: {@link Path} is not serializable; the message keeps the file's name. */
    private final transient Path file;

    private final long offset;

    public PersistenceFormatException(Path file, long offset, String problem) {
        super(file + " at offset " + offset + ": " + problem);
        this.file = file;
        this.offset = offset;
    }

    /** The file found invalid (null after deserialization). */
    public Path file() {
        return file;
    }

    /** The byte offset in {@link #file()} of the field found invalid. */
    public long offset() {
        return offset;
    }
}
