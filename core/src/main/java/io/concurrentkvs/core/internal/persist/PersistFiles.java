package io.concurrentkvs.core.internal.persist;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names of the persistence directory's files and the few file-system operations every writer of it
 * needs. Stateless; safe from any thread.
 *
 * <pre>
 * MANIFEST                      which snapshot and which logs make up the state (replaced via MANIFEST.tmp)
 * log-%016x.kvslog              a log, by seq (hex, lower case)
 * snapshot-%016x.kvssnap        a snapshot, by seq (written as snapshot-%016x.kvssnap.tmp, then renamed)
 * persistence.lock              held by the directory's writer
 * </pre>
 */
public final class PersistFiles {
    private PersistFiles() {}

    /** Mode 0600: every file of the directory is readable and writable by its owner only. */
    public static final Set<PosixFilePermission> OWNER_ONLY = Set.copyOf(PosixFilePermissions.fromString("rw-------"));

    static final String MANIFEST = "MANIFEST";
    static final String TEMP_SUFFIX = ".tmp";
    private static final Pattern LOG_NAME = Pattern.compile("log-([0-9a-f]{16})\\.kvslog");
    private static final Pattern SNAPSHOT_NAME = Pattern.compile("snapshot-([0-9a-f]{16})\\.kvssnap");

    /** {@code dir/log-<seq as 16 hex digits>.kvslog}. */
    public static Path logPath(Path dir, long seq) {
        return dir.resolve(String.format("log-%016x.kvslog", seq));
    }

    /** {@code dir/snapshot-<seq as 16 hex digits>.kvssnap}. */
    public static Path snapshotPath(Path dir, long seq) {
        return dir.resolve(String.format("snapshot-%016x.kvssnap", seq));
    }

    /** {@code dir/MANIFEST}. */
    public static Path manifestPath(Path dir) {
        return dir.resolve(MANIFEST);
    }

    /** {@code p} with {@code .tmp} appended: where {@code p} is written before it is renamed into place. */
    public static Path tempOf(Path p) {
        return p.resolveSibling(p.getFileName() + TEMP_SUFFIX);
    }

    /** The seq in a log file's name, or empty if the name is not a log's (a {@code .tmp} is not). */
    public static OptionalLong logSeqOf(Path file) {
        return seqOf(LOG_NAME, file);
    }

    /** The seq in a snapshot file's name, or empty if the name is not a snapshot's (a {@code .tmp} is not). */
    public static OptionalLong snapshotSeqOf(Path file) {
        return seqOf(SNAPSHOT_NAME, file);
    }

    private static OptionalLong seqOf(Pattern pattern, Path file) {
        Path name = file.getFileName();
        if (name == null) {
            return OptionalLong.empty();
        }
        Matcher m = pattern.matcher(name.toString());
        return m.matches() ? OptionalLong.of(Long.parseUnsignedLong(m.group(1), 16)) : OptionalLong.empty();
    }

    /**
     * Forces the directory's entries (creations, renames, deletions) to disk, so a rename survives a power
     * loss. On Windows a directory cannot be opened as a file; there, and only there, this does nothing.
     */
    public static void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (!isWindows()) {
                throw e;
            }
        }
    }

    /**
     * Creates {@code p}, which must not exist, open for reading and writing, with mode 0600 where the file
     * system has POSIX permissions (set at creation, so the file is never readable by others, even briefly).
     */
    public static FileChannel createNew(Path p) throws IOException {
        Set<StandardOpenOption> options =
                EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ);
        Path parent = p.toAbsolutePath().getParent();
        boolean posix = parent != null
                && parent.getFileSystem().supportedFileAttributeViews().contains("posix");
        return posix
                ? FileChannel.open(p, options, PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                : FileChannel.open(p, options);
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").startsWith("Windows");
    }
}
