package io.concurrentkvs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code kvs get|set|post|del} against a real server process: answers, output and exit codes. */
class OperationCommandsIT {
    @RegisterExtension
    final KvsProcesses kvs = new KvsProcesses();

    @Test
    void setPrintsOkAndGetPrintsTheValueAloneWithExitZero() {
        String name = KvsProcesses.uniqueName("cli-ops");
        kvs.startServer(name);

        CliResult set = kvs.run("set", "--name", name, "user:1", "Ada Lovelace");
        assertThat(set.exitCode()).as(set.describe()).isZero();
        assertThat(set.stdout()).as(set.describe()).isEqualTo("OK\n");

        CliResult get = kvs.run("get", "--name", name, "user:1");
        assertThat(get.exitCode()).as(get.describe()).isZero();
        assertThat(get.stdout()).as(get.describe()).isEqualTo("Ada Lovelace\n");
        assertThat(get.stderr()).as(get.describe()).isEmpty();
    }

    @Test
    void getAndDelOfAnAbsentKeyExitOneAndSayNotFound() {
        String name = KvsProcesses.uniqueName("cli-ops");
        kvs.startServer(name);

        CliResult get = kvs.run("get", "--name", name, "nobody");
        assertThat(get.exitCode()).as(get.describe()).isEqualTo(1);
        assertThat(get.stdout())
                .as("nothing on stdout, so $(kvs get) captures no value: " + get.describe())
                .isEmpty();
        assertThat(get.stderrLines()).as(get.describe()).containsExactly("kvs get: not found: 'nobody'");

        CliResult del = kvs.run("del", "--name", name, "nobody");
        assertThat(del.exitCode()).as(del.describe()).isEqualTo(1);
        assertThat(del.stdout()).as(del.describe()).isEqualTo("not found: 'nobody'\n");
    }

    @Test
    void postNeverOverwritesAnExistingKeyAndExitsOne() {
        String name = KvsProcesses.uniqueName("cli-ops");
        kvs.startServer(name);

        CliResult first = kvs.run("post", "--name", name, "lock", "worker-1");
        assertThat(first.exitCode()).as(first.describe()).isZero();
        assertThat(first.stdout()).as(first.describe()).isEqualTo("OK\n");

        CliResult second = kvs.run("post", "--name", name, "lock", "worker-2");
        assertThat(second.exitCode()).as(second.describe()).isEqualTo(1);
        assertThat(second.stdout()).as(second.describe()).isEqualTo("exists: 'lock' (value unchanged)\n");

        CliResult get = kvs.run("get", "--name", name, "lock");
        assertThat(get.stdout()).as(get.describe()).isEqualTo("worker-1\n");
    }

    @Test
    void delRemovesTheKeyWithExitZeroThenExitsOne() {
        String name = KvsProcesses.uniqueName("cli-ops");
        kvs.startServer(name);
        assertThat(kvs.run("set", "--name", name, "k", "v").exitCode()).isZero();

        CliResult del = kvs.run("del", "--name", name, "k");
        assertThat(del.exitCode()).as(del.describe()).isZero();
        assertThat(del.stdout()).as(del.describe()).isEqualTo("OK\n");

        assertThat(kvs.run("get", "--name", name, "k").exitCode()).isEqualTo(1);
        assertThat(kvs.run("del", "--name", name, "k").exitCode()).isEqualTo(1);
    }

    @Test
    void emptyAndNonAsciiValuesRoundTripAsUtf8() {
        String name = KvsProcesses.uniqueName("cli-ops");
        kvs.startServer(name);
        String text = "héllo wörld ✓ 東京";

        assertThat(kvs.run("set", "--name", name, "empty", "").exitCode()).isZero();
        assertThat(kvs.run("set", "--name", name, "ключ", text).exitCode()).isZero();

        CliResult empty = kvs.run("get", "--name", name, "empty");
        assertThat(empty.exitCode())
                .as("an empty value is found, not absent: " + empty.describe())
                .isZero();
        assertThat(empty.stdout()).as(empty.describe()).isEqualTo("\n");
        CliResult unicode = kvs.run("get", "--name", name, "ключ");
        assertThat(unicode.stdout()).as(unicode.describe()).isEqualTo(text + "\n");
    }

    @Test
    void aValueOverTheStoresLimitIsAnErrorNamingTheLimit() {
        String name = KvsProcesses.uniqueName("cli-ops");
        kvs.startServer(name, "--max-value-bytes", "8");

        CliResult set = kvs.run("set", "--name", name, "k", "123456789");
        assertThat(set.exitCode()).as(set.describe()).isEqualTo(2);
        assertThat(set.stderrLines())
                .as(set.describe())
                .singleElement()
                .asString()
                .startsWith("kvs set: ")
                .contains("maxValueBytes limit of 8 bytes");
        assertThat(kvs.run("get", "--name", name, "k").exitCode())
                .as("nothing was stored")
                .isEqualTo(1);
    }
}
