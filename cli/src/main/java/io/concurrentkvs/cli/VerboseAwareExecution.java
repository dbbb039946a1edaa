package io.concurrentkvs.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionStrategy;
import picocli.CommandLine.ParseResult;

/**
 * Runs the chosen subcommand after turning on the library's logging if {@code --verbose} was given.
 * Called once, on the main thread, after parsing and before any command touches SLF4J.
 */
final class VerboseAwareExecution implements IExecutionStrategy {
    private static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

    private final IExecutionStrategy delegate = new CommandLine.RunLast();

    @Override
    public int execute(ParseResult parseResult) {
        // slf4j-simple reads its level when the first logger is created, which happens only when a
        // command first uses the library: setting the property now is early enough.
        if (isVerbose(parseResult) && System.getProperty(LOG_LEVEL_PROPERTY) == null) {
            System.setProperty(LOG_LEVEL_PROPERTY, "info");
        }
        return delegate.execute(parseResult);
    }

    /** Whether {@code --verbose} appears at any level of the parsed command chain. */
    static boolean isVerbose(ParseResult parseResult) {
        for (ParseResult r = parseResult; r != null; r = r.subcommand()) {
            if (r.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
