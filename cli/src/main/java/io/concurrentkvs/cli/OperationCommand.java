package io.concurrentkvs.cli;

import io.concurrentkvs.blocking.KvsClient;
import io.concurrentkvs.core.Codecs;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Base of the one-shot commands ({@code get}, {@code set}, {@code post}, {@code del}): connects a
 * blocking client with the string codec to the store {@code --name} (or Redis at {@code --url}), runs one operation, and closes the connection. Runs on the
 * main thread.
 */
abstract class OperationCommand implements Callable<Integer> {
    @Mixin
    StoreOption store;

    @Option(
            names = "--url",
            paramLabel = "URL",
            description = "Talk to Redis instead of a shared-memory store: redis://host:port[/db] or"
                    + " redis-cluster://host:port[,host:port...] (not with --name).")
    String url;

    @Option(
            names = "--timeout",
            paramLabel = "MS",
            defaultValue = "5000",
            description = "How long to wait for the answer, in milliseconds (default: ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        if (url != null && spec.commandLine().getParseResult().hasMatchedOption("--name")) {
            throw new ParameterException(spec.commandLine(), "--url and --name are exclusive: give one store");
        }
        String target = url != null ? url : store.name();
        try (KvsClient<String, String> client = KvsClient.connect(target, Codecs.string(), Codecs.string())) {
            return execute(
                    client, spec.commandLine().getOut(), spec.commandLine().getErr());
        }
    }

    /** Runs the operation and prints its answer; returns the exit code. */
    abstract int execute(KvsClient<String, String> client, PrintWriter out, PrintWriter err);

    /** {@code kvs get} etc., for messages. */
    final String commandName() {
        return spec.qualifiedName();
    }
}
