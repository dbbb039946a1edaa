package io.concurrentkvs.cli;

import io.concurrentkvs.core.KvsRegionInUseException;
import io.concurrentkvs.core.KvsServer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code kvs destroy}: removes a store's shared-memory files through {@link KvsServer#destroy(String)} — the
 * store file with its entries, and a region a stopped or dead server left — and prints what it removed.
 * Refused while a server serves the name. Runs on the main thread.
 */
@Command(
        name = "destroy",
        mixinStandardHelpOptions = true,
        description = {
            "Remove a store's shared-memory files: the store file holding its entries"
                    + " (/dev/shm/<name>.store), the region a stopped or dead server left (/dev/shm/<name>) and"
                    + " the lock file a killed server left (/dev/shm/<name>.lock).",
            "Refused while a server serves the name: stop it first (Ctrl-C or SIGTERM). The entries are gone"
                    + " for good; the next server on the name starts empty."
        },
        footer = {
            "",
            "Exit codes: 0 removed, 1 nothing to remove, 2 error (for example a server still serves it).",
            "",
            "Examples:",
            "  kvs destroy --name my_kvs",
            "  kvs destroy                      the store 'kvs' (or $KVS_NAME)"
        })
final class DestroyCommand implements Callable<Integer> {
    @Mixin
    StoreOption store;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        StoreFiles files = StoreFiles.of(store.name());
        boolean hadStore = Files.exists(files.store());
        boolean hadRegion = Files.exists(files.region());
        try {
            KvsServer.destroy(store.name());
        } catch (KvsRegionInUseException e) {
            throw e.pid() > 0
                    ? new KvsRegionInUseException(
                            e.getMessage() + "; stop it first (Ctrl-C in its terminal, or kill " + e.pid() + ")",
                            e.pid())
                    : e;
        }
        List<String> removed = new ArrayList<>();
        if (hadStore && !Files.exists(files.store())) {
            removed.add(files.store() + " (the entries)");
        }
        if (hadRegion && !Files.exists(files.region())) {
            removed.add(files.region() + " (the region a stopped or dead server left)");
        }
        if (removed.isEmpty()) {
            out.println("nothing to remove: no store '" + store.name() + "' at " + files.store());
            return KvsMain.EXIT_NEGATIVE;
        }
        out.println("removed " + String.join(" and ", removed));
        return KvsMain.EXIT_OK;
    }
}
