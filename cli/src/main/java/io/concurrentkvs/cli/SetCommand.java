package io.concurrentkvs.cli;

import io.concurrentkvs.blocking.KvsClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code kvs set KEY VALUE}: inserts or updates; prints {@code OK} (exit 0). */
@Command(
        name = "set",
        mixinStandardHelpOptions = true,
        description = "Store VALUE under KEY, inserting or replacing it. Prints OK.",
        footer = {
            "",
            "Exit codes: 0 stored, 2 error.",
            "",
            "Examples:",
            "  kvs set user:42 Ada",
            "  kvs set --name my_kvs greeting 'hello, world'",
            "  kvs set --name my_kvs empty ''    an empty value is a value, not absence"
        })
final class SetCommand extends OperationCommand {
    @Parameters(index = "0", paramLabel = "KEY", description = "The key (UTF-8).")
    String key;

    @Parameters(index = "1", paramLabel = "VALUE", description = "The value (UTF-8; may be empty).")
    String value;

    @Override
    int execute(KvsClient<String, String> client, PrintWriter out, PrintWriter err) {
        client.set(key, value, timeoutMs);
        out.println("OK");
        return KvsMain.EXIT_OK;
    }
}
