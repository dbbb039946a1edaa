package io.concurrentkvs.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code kvs} command: entry point of the runnable jar and parent of every subcommand. Runs on the
 * main thread; {@link #main} exits the JVM with the command's exit code.
 *
 * <p>Exit codes, for every command: 0 done / found, 1 a negative answer (key absent, key exists, nothing
 * to destroy), 2 an error or a usage mistake (one line on stderr; {@code --verbose} adds the stack trace).
 */
@Command(
        name = "kvs",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        usageHelpAutoWidth = true,
        description = {
            "Command line of Concurrent-KVS: a key-value store shared by the processes of one host through"
                    + " shared memory.",
            "Every command takes --name (default: $KVS_NAME, else 'kvs'), the store's POSIX shared-memory name."
        },
        subcommands = {
            ServerCommand.class,
            GetCommand.class,
            SetCommand.class,
            PostCommand.class,
            DelCommand.class,
            StatsCommand.class,
            DestroyCommand.class,
            BenchCommand.class,
            DemoCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {
            "",
            "Exit codes: 0 done/found, 1 not found/exists, 2 error.",
            "",
            "Examples:",
            "  kvs demo                              server and client processes, one command",
            "  kvs server --name my_kvs --workers 2  serve 'my_kvs' until Ctrl-C",
            "  kvs set --name my_kvs user:42 Ada     (in another terminal)",
            "  kvs get --name my_kvs user:42",
            "  kvs stats --name my_kvs --watch",
            "  kvs destroy --name my_kvs             remove its entries, once its server has stopped",
            "  kvs bench --name my_kvs --clients 2 --pipeline 256",
            "  kvs <command> --help                  options and examples of one command"
        })
public final class KvsMain implements Callable<Integer> {
    /** Exit code of a successful command, or of a GET that found its key. */
    public static final int EXIT_OK = 0;
    /** Exit code of a negative answer: key absent (get, del) or present (post), nothing to remove (destroy). */
    public static final int EXIT_NEGATIVE = 1;
    /** Exit code of an error or a usage mistake. */
    public static final int EXIT_ERROR = 2;

    // Declared here and inherited so that `kvs get --verbose ...` and `kvs --verbose get ...` both work.
    @Option(
            names = "--verbose",
            scope = ScopeType.INHERIT,
            description = "Show the library's log messages and the stack trace of an error.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    /** Runs the command line and exits the JVM with its exit code. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line on this JVM's stdout and stderr; returns the exit code. */
    public static int run(String... args) {
        // Chronicle Core may report usage analytics unless told not to; a command line must never phone home.
        if (System.getProperty("chronicle.analytics.disable") == null) {
            System.setProperty("chronicle.analytics.disable", "true");
        }
        return newCommandLine(utf8(FileDescriptor.out), utf8(FileDescriptor.err))
                .execute(args);
    }

    /** A configured command line writing to {@code out} and {@code err}; for tests and embedding. */
    static CommandLine newCommandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new KvsMain());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionStrategy(new VerboseAwareExecution());
        cl.setExecutionExceptionHandler(new OneLineErrors());
        cl.setParameterExceptionHandler(new OneLineErrors());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    // Latency summaries print "µs": write UTF-8 whatever the platform's default charset, as terminals do.
    private static PrintWriter utf8(FileDescriptor fd) {
        return new PrintWriter(new OutputStreamWriter(new FileOutputStream(fd), StandardCharsets.UTF_8), true);
    }

    /** {@code kvs} without a command: a usage mistake. */
    @Override
    public Integer call() {
        spec.commandLine().getErr().println("kvs: missing command (see 'kvs --help')");
        return EXIT_ERROR;
    }
}
