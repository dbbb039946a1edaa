package io.concurrentkvs.cli;

import io.concurrentkvs.blocking.KvsClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code kvs del KEY}: deletes; {@code OK} (exit 0) or {@code not found} (exit 1). */
@Command(
        name = "del",
        mixinStandardHelpOptions = true,
        description = "Delete KEY. Prints OK, or 'not found' if KEY was absent.",
        footer = {
            "",
            "Exit codes: 0 deleted, 1 not found, 2 error.",
            "",
            "Examples:",
            "  kvs del user:42",
            "  kvs del --name my_kvs lock:job-7"
        })
final class DelCommand extends OperationCommand {
    @Parameters(index = "0", paramLabel = "KEY", description = "The key (UTF-8).")
    String key;

    @Override
    int execute(KvsClient<String, String> client, PrintWriter out, PrintWriter err) {
        if (client.del(key, timeoutMs)) {
            out.println("OK");
            return KvsMain.EXIT_OK;
        }
        out.println("not found: '" + key + "'");
        return KvsMain.EXIT_NEGATIVE;
    }
}
