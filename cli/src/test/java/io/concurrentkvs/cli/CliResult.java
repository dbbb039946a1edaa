package io.concurrentkvs.cli;

import java.util.Arrays;
import java.util.List;

/**
 * What one run of the {@code kvs} jar produced. Immutable.
 *
 * @param args the command-line arguments
 * @param exitCode the process's exit code
 * @param stdout everything written to stdout
 * @param stderr everything written to stderr
 */
record CliResult(List<String> args, int exitCode, String stdout, String stderr) {

    /** Non-empty stderr lines. */
    List<String> stderrLines() {
        return Arrays.stream(stderr.split("\\R"))
                .filter(line -> !line.isBlank())
                .toList();
    }

    /** Everything about the run, for assertion messages. */
    String describe() {
        return "kvs " + String.join(" ", args) + " exited " + exitCode + "\n--- stdout ---\n" + stdout
                + "--- stderr ---\n" + stderr + "---";
    }
}
