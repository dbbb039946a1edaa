package io.concurrentkvs.core.internal.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * Notices when the file a server has mapped is no longer the file at its path: removed, replaced by
 * another file (a new inode), or truncated or grown. A server whose region file changed under it serves
 * clients nobody can find any more, or touches pages that no longer exist (a truncated mapping raises
 * {@code InternalError} on the next access); it must stop, so that clients fail over and the name can be
 * served again.
 *
 * <p>Thread safety: created by the thread that mapped the file, then checked by one thread (the monitor).
 */
final class FileIdentityWatch {
    private final Path path;
    private final Object fileKey;
    private final long size;

    private FileIdentityWatch(Path path, Object fileKey, long size) {
        this.path = path;
        this.fileKey = fileKey;
        this.size = size;
    }

    /** Records what {@code path} is now: call right after mapping it. */
    static FileIdentityWatch of(Path path) throws IOException {
        BasicFileAttributes attributes =
                Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return new FileIdentityWatch(path, attributes.fileKey(), attributes.size());
    }

    /**
     * Whether the file this watch was made for is still at least {@code length} bytes long: false if it
     * shrank below that. A file replaced at the path (a new inode) leaves our mapping of the old one
     * intact, so only the size of the same file counts.
     */
    boolean holdsHeader(long length) {
        try {
            BasicFileAttributes now = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return !Objects.equals(fileKey, now.fileKey()) || now.size() >= length;
        } catch (IOException gone) {
            return true; // removed: the mapping keeps the unlinked file's pages
        }
    }

    /**
     * What changed since {@link #of}, or null if the path still names the same file of the same size (or
     * it cannot be told: a failed stat other than a missing file is not taken as a change).
     */
    String change() {
        BasicFileAttributes now;
        try {
            now = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException gone) {
            return path + " was removed";
        } catch (IOException unknown) {
            return null;
        }
        if (fileKey != null && !Objects.equals(fileKey, now.fileKey())) {
            return path + " was replaced by another file (" + fileKey + " is now " + now.fileKey() + ")";
        }
        if (now.size() != size) {
            return path + " changed size from " + size + " to " + now.size() + " bytes";
        }
        return null;
    }
}
