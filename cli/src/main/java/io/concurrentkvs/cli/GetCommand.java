package io.concurrentkvs.cli;

import io.concurrentkvs.blocking.KvsClient;
import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code kvs get KEY}: prints the value (exit 0), or says on stderr that the key is absent (exit 1). */
@Command(
        name = "get",
        mixinStandardHelpOptions = true,
        description = {
            "Print the value stored under KEY.",
            "The value alone goes to stdout, so v=$(kvs get k) captures it; an absent key prints"
                    + " 'not found' on stderr and exits 1."
        },
        footer = {
            "",
            "Exit codes: 0 found, 1 not found, 2 error.",
            "",
            "Examples:",
            "  kvs get user:42",
            "  kvs get --name my_kvs user:42",
            "  kvs get --url redis://127.0.0.1:6379 user:42",
            "  name=$(kvs get --name my_kvs user:42) || echo absent"
        })
final class GetCommand extends OperationCommand {
    @Parameters(index = "0", paramLabel = "KEY", description = "The key (UTF-8).")
    String key;

    @Override
    int execute(KvsClient<String, String> client, PrintWriter out, PrintWriter err) {
        Optional<String> value = client.get(key, timeoutMs);
        if (value.isPresent()) {
            out.println(value.get());
            return KvsMain.EXIT_OK;
        }
        err.println(commandName() + ": not found: '" + key + "'");
        return KvsMain.EXIT_NEGATIVE;
    }
}
