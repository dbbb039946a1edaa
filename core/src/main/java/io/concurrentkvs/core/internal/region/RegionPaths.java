package io.concurrentkvs.core.internal.region;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.regex.Pattern;

/** Maps a store name ("my_kvs" or "/my_kvs") to the file that holds its region. Stateless. */
public final class RegionPaths {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    private static final Path DEV_SHM = Paths.get("/dev/shm");

    private RegionPaths() {}

    /**
     * Normalises a POSIX shared-memory name: one optional leading slash, then letters, digits,
     * {@code . _ -}.
     *
     * @throws IllegalArgumentException naming the rule the name breaks
     */
    public static String normalizeName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("store name must not be null");
        }
        String bare = name.startsWith("/") ? name.substring(1) : name;
        if (!NAME.matcher(bare).matches() || bare.equals(".") || bare.equals("..")) {
            throw new IllegalArgumentException("invalid store name '" + name
                    + "': use 1-200 letters, digits, '.', '_' or '-', optionally after one leading '/'");
        }
        return bare;
    }

    /** {@code /dev/shm/<name>} on Linux, otherwise {@code <java.io.tmpdir>/concurrent-kvs-<name>}. */
    public static Path defaultPath(String name) {
        String bare = normalizeName(name);
        if (Files.isDirectory(DEV_SHM) && Files.isWritable(DEV_SHM)) {
            return DEV_SHM.resolve(bare);
        }
        return Paths.get(System.getProperty("java.io.tmpdir")).resolve("concurrent-kvs-" + bare);
    }
}
