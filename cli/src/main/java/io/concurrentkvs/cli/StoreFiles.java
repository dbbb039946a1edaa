package io.concurrentkvs.cli;

import io.concurrentkvs.core.KvsServer;
import java.nio.file.Path;

/**
 * Where the files of a store name are: its region and, beside it, the store file holding its entries.
 * Immutable.
 *
 * @param region the region file, {@code /dev/shm/<name>}
 * @param store the store file, {@code /dev/shm/<name>.store}
 * @param lock the lock file a running server holds, {@code /dev/shm/<name>.lock} (left only by a killed one)
 */
record StoreFiles(Path region, Path store, Path lock) {

    /**
     * The files of {@code name}.
     *
     * @throws IllegalArgumentException if the name is invalid
     */
    static StoreFiles of(String name) {
        // A server that is built but never started touches no file; it only knows where its files go, and
        // asking it keeps this in step with the library's own naming.
        KvsServer unstarted = KvsServer.builder(name).build();
        Path region = unstarted.path();
        return new StoreFiles(region, unstarted.storePath(), region.resolveSibling(region.getFileName() + ".lock"));
    }
}
