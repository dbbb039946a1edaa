package io.concurrentkvs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Errors are one clear line on stderr with exit code 2; {@code --verbose} adds the stack trace. */
class ErrorReportingIT {
    @RegisterExtension
    final KvsProcesses kvs = new KvsProcesses();

    @ParameterizedTest
    @ValueSource(strings = {"get", "del", "stats", "bench"})
    void aCommandWithNoServerExitsTwoWithOneLineNamingThePath(String command) {
        String name = KvsProcesses.uniqueName("cli-none");
        List<String> args = command.equals("get") || command.equals("del")
                ? List.of(command, "--name", name, "k")
                : List.of(command, "--name", name);

        CliResult result = kvs.run(args.toArray(String[]::new));

        assertThat(result.exitCode()).as(result.describe()).isEqualTo(2);
        assertThat(result.stderrLines())
                .as(result.describe())
                .singleElement()
                .asString()
                .startsWith("kvs " + command + ": ")
                .contains(name)
                .contains("no server");
        assertThat(result.stderr())
                .as(result.describe())
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    @Test
    void setWithNoServerIsAnErrorToo() {
        CliResult result = kvs.run("set", "--name", KvsProcesses.uniqueName("cli-none"), "k", "v");
        assertThat(result.exitCode()).as(result.describe()).isEqualTo(2);
        assertThat(result.stderrLines()).as(result.describe()).hasSize(1);
        assertThat(result.stdout()).as(result.describe()).isEmpty();
    }

    @Test
    void verboseAddsTheStackTrace() {
        CliResult result = kvs.run("get", "--verbose", "--name", KvsProcesses.uniqueName("cli-none"), "k");
        assertThat(result.exitCode()).as(result.describe()).isEqualTo(2);
        assertThat(result.stderrLines().get(0)).as(result.describe()).startsWith("kvs get: ");
        assertThat(result.stderr())
                .as(result.describe())
                .contains("KvsUnavailableException")
                .contains("\tat ");
    }

    @Test
    void usageMistakesAreOneLineWithExitTwo() {
        CliResult missingKey = kvs.run("get");
        assertThat(missingKey.exitCode()).as(missingKey.describe()).isEqualTo(2);
        assertThat(missingKey.stderrLines())
                .as(missingKey.describe())
                .containsExactly("kvs get: Missing required parameter: 'KEY' (see 'kvs get --help')");

        CliResult badMix = kvs.run("bench", "--mix", "get:90,fly:10");
        assertThat(badMix.exitCode()).as(badMix.describe()).isEqualTo(2);
        assertThat(badMix.stderrLines())
                .as(badMix.describe())
                .singleElement()
                .asString()
                .contains("--mix")
                .contains("unknown operation 'fly'");

        CliResult badIdle = kvs.run("server", "--idle", "sleepy");
        assertThat(badIdle.exitCode()).as(badIdle.describe()).isEqualTo(2);
        assertThat(badIdle.stderrLines())
                .as(badIdle.describe())
                .singleElement()
                .asString()
                .contains("unknown idle strategy 'sleepy'");

        CliResult badSize = kvs.run("server", "--max-data-bytes", "lots");
        assertThat(badSize.exitCode()).as(badSize.describe()).isEqualTo(2);
        assertThat(badSize.stderrLines())
                .as(badSize.describe())
                .singleElement()
                .asString()
                .startsWith("kvs server: ")
                .contains("--max-data-bytes")
                .contains("'lots' is not a size");

        CliResult unknown = kvs.run("frobnicate");
        assertThat(unknown.exitCode()).as(unknown.describe()).isEqualTo(2);
        assertThat(unknown.stderrLines()).as(unknown.describe()).hasSize(1);

        CliResult badName = kvs.run("get", "--name", "no spaces allowed", "k");
        assertThat(badName.exitCode()).as(badName.describe()).isEqualTo(2);
        assertThat(badName.stderrLines())
                .as(badName.describe())
                .singleElement()
                .asString()
                .contains("invalid store name");
    }

    @Test
    void aSecondServerOnALiveStoreIsRefused() {
        String name = KvsProcesses.uniqueName("cli-twice");
        KvsProcesses.Server first = kvs.startServer(name);

        CliResult second = kvs.run("server", "--name", name);

        assertThat(second.exitCode()).as(second.describe()).isEqualTo(2);
        assertThat(second.stderrLines())
                .as(second.describe())
                .singleElement()
                .asString()
                .startsWith("kvs server: ")
                .contains("live process " + first.process().pid());
        assertThat(first.process().isAlive())
                .as("the first server keeps serving")
                .isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"server", "get", "set", "post", "del", "stats", "destroy", "bench", "demo"})
    void everyCommandHasHelpWithExamples(String command) {
        CliResult help = kvs.run(command, "--help");
        assertThat(help.exitCode()).as(help.describe()).isZero();
        assertThat(help.stdout())
                .as(help.describe())
                .contains("Usage: kvs " + command)
                .contains("Examples:")
                .contains("  kvs " + command)
                .contains("--name");
    }
}
