package io.concurrentkvs.cli;

import io.concurrentkvs.core.KvsException;
import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Reports a failed command as one line on stderr, {@code kvs <command>: <message>}, and exits with
 * {@link KvsMain#EXIT_ERROR}; with {@code --verbose} the stack trace follows. Used for usage mistakes
 * (picocli's parameter errors) and for exceptions thrown by commands. Called on the main thread.
 */
final class OneLineErrors implements IExecutionExceptionHandler, IParameterExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        err.println(commandPath(cmd) + ": " + describe(ex));
        if (VerboseAwareExecution.isVerbose(parseResult)) {
            ex.printStackTrace(err);
        }
        err.flush();
        return KvsMain.EXIT_ERROR;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(commandPath(cmd) + ": " + oneLine(ex.getMessage()) + " (see '" + commandPath(cmd) + " --help')");
        if (Arrays.asList(args).contains("--verbose")) {
            ex.printStackTrace(err);
        }
        err.flush();
        return KvsMain.EXIT_ERROR;
    }

    /** The message users see for an exception: the library's own message, or the type for anything else. */
    static String describe(Throwable ex) {
        String message = ex.getMessage();
        if (ex instanceof KvsException || ex instanceof IllegalArgumentException) {
            // Our own exceptions carry a complete sentence naming the store, path or limit.
            return oneLine(message != null ? message : ex.getClass().getSimpleName());
        }
        return "unexpected " + ex.getClass().getSimpleName() + (message != null ? ": " + oneLine(message) : "")
                + " (run with --verbose for the stack trace)";
    }

    private static String oneLine(String message) {
        return message == null
                ? ""
                : message.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }

    private static String commandPath(CommandLine cmd) {
        return cmd.getCommandSpec().qualifiedName();
    }
}
