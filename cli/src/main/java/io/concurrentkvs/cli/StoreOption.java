package io.concurrentkvs.cli;

import picocli.CommandLine.Option;

/** The {@code --name} option every command shares: which store to serve or talk to. */
final class StoreOption {
    /** The store name used when neither {@code --name} nor {@code KVS_NAME} is given. */
    static final String DEFAULT_NAME = "kvs";

    @Option(
            names = {"-n", "--name"},
            paramLabel = "NAME",
            defaultValue = "${env:KVS_NAME:-" + DEFAULT_NAME + "}",
            description = "Store name: a POSIX shared-memory name such as my_kvs or /my_kvs"
                    + " (default: $KVS_NAME, else '" + DEFAULT_NAME + "'; now: ${DEFAULT-VALUE}).")
    String name;

    String name() {
        return name;
    }
}
