package io.concurrentkvs.cli;

import io.concurrentkvs.blocking.KvsClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code kvs post KEY VALUE}: inserts only; {@code OK} (exit 0) or {@code exists} (exit 1). */
@Command(
        name = "post",
        mixinStandardHelpOptions = true,
        description = "Insert VALUE under KEY only if KEY is absent. Prints OK, or 'exists' (value unchanged).",
        footer = {
            "",
            "Exit codes: 0 inserted, 1 key exists (value unchanged), 2 error.",
            "",
            "Examples:",
            "  kvs post user:42 Ada",
            "  kvs post --name my_kvs lock:job-7 worker-3 && echo 'got the lock'"
        })
final class PostCommand extends OperationCommand {
    @Parameters(index = "0", paramLabel = "KEY", description = "The key (UTF-8).")
    String key;

    @Parameters(index = "1", paramLabel = "VALUE", description = "The value (UTF-8; may be empty).")
    String value;

    @Override
    int execute(KvsClient<String, String> client, PrintWriter out, PrintWriter err) {
        if (client.post(key, value, timeoutMs)) {
            out.println("OK");
            return KvsMain.EXIT_OK;
        }
        out.println("exists: '" + key + "' (value unchanged)");
        return KvsMain.EXIT_NEGATIVE;
    }
}
