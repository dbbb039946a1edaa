package io.concurrentkvs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.concurrentkvs.core.KvsStats;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kvs destroy}: refused while a server serves the name; removes the store file a stopped server
 * kept, and the region too when a killed server left it; says what it removed, or that there was nothing.
 */
class DestroyCommandIT {
    @RegisterExtension
    final KvsProcesses kvs = new KvsProcesses();

    @Test
    void isRefusedWhileAServerServesTheNameAndNamesItsPid() {
        String name = KvsProcesses.uniqueName("cli-destroy");
        KvsProcesses.Server server = kvs.startServer(name);
        assertThat(kvs.run("set", "--name", name, "k", "v").exitCode()).isZero();
        KvsStats before = KvsStats.read(name);

        CliResult destroy = kvs.run("destroy", "--name", name);

        assertThat(destroy.exitCode()).as(destroy.describe()).isEqualTo(2);
        assertThat(destroy.stderrLines())
                .as(destroy.describe())
                .singleElement()
                .asString()
                .startsWith("kvs destroy: ")
                .contains("live process " + server.process().pid())
                .contains("stop it first");
        assertThat(destroy.stdout()).as(destroy.describe()).isEmpty();
        assertThat(Files.exists(before.path())).isTrue();
        assertThat(Files.exists(before.storePath())).isTrue();
        CliResult get = kvs.run("get", "--name", name, "k");
        assertThat(get.exitCode())
                .as("the server still serves its entries: " + get.describe())
                .isZero();
    }

    @Test
    void removesTheStoreFileAStoppedServerKeptThenHasNothingToRemove() throws Exception {
        String name = KvsProcesses.uniqueName("cli-destroy");
        KvsProcesses.Server server = kvs.startServer(name);
        Path store = KvsStats.read(name).storePath();
        assertThat(kvs.run("set", "--name", name, "k", "v").exitCode()).isZero();
        server.stopGracefully();
        assertThat(Files.exists(store)).as("a stopped server keeps " + store).isTrue();

        CliResult destroy = kvs.run("destroy", "--name", name);

        assertThat(destroy.exitCode()).as(destroy.describe()).isZero();
        assertThat(destroy.stdout()).as(destroy.describe()).isEqualTo("removed " + store + " (the entries)\n");
        assertThat(destroy.stderr()).as(destroy.describe()).isEmpty();
        assertThat(Files.exists(store)).isFalse();

        CliResult again = kvs.run("destroy", "--name", name);
        assertThat(again.exitCode()).as(again.describe()).isEqualTo(1);
        assertThat(again.stdout()).as(again.describe()).startsWith("nothing to remove: no store '" + name + "'");

        KvsProcesses.Server next = kvs.startServer(name);
        assertThat(next.log()).as("the next server starts empty").contains("kvs server: created " + store);
        assertThat(kvs.run("get", "--name", name, "k").exitCode()).isEqualTo(1);
    }

    @Test
    void removesTheStoreFileAndTheRegionAKilledServerLeft() throws Exception {
        String name = KvsProcesses.uniqueName("cli-destroy");
        KvsProcesses.Server server = kvs.startServer(name);
        KvsStats stats = KvsStats.read(name);
        assertThat(kvs.run("set", "--name", name, "k", "v").exitCode()).isZero();
        server.kill();
        assertThat(Files.exists(stats.path())).as("kill -9 leaves the region").isTrue();

        CliResult destroy = kvs.run("destroy", "--name", name);

        assertThat(destroy.exitCode()).as(destroy.describe()).isZero();
        assertThat(destroy.stdout())
                .as(destroy.describe())
                .isEqualTo("removed " + stats.storePath() + " (the entries) and " + stats.path()
                        + " (the region a stopped or dead server left)\n");
        assertThat(Files.exists(stats.path())).isFalse();
        assertThat(Files.exists(stats.storePath())).isFalse();
    }
}
