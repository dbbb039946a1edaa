package io.concurrentkvs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.concurrentkvs.core.KvsStats;
import io.concurrentkvs.core.KvsUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kvs server}: says where it serves, and SIGTERM stops it gracefully with final statistics; the
 * entries outlive it for the next server unless {@code --fresh}; {@code --max-entries} and {@code
 * --max-data-bytes} bound the store.
 */
class ServerCommandIT {
    @RegisterExtension
    final KvsProcesses kvs = new KvsProcesses();

    @Test
    void helpDescribesStripesAsTheStoresSegmentsEachWithItsOwnLock() {
        CliResult help = kvs.run("server", "--help");
        assertThat(help.exitCode()).as(help.describe()).isZero();
        assertThat(help.stdout())
                .as(help.describe())
                .containsPattern(
                        "--stripes=N\\s+Segments\\s+of\\s+the\\s+store,\\s+each\\s+with\\s+its\\s+own\\s+hash\\s+index"
                                + "\\s+and\\s+lock")
                .doesNotContain("Lock stripes");
    }

    @Test
    void printsWhereItServesWithItsSettings() throws Exception {
        String name = KvsProcesses.uniqueName("cli-server");
        KvsProcesses.Server server = kvs.startServer(name, "--workers", "2", "--stripes", "32", "--idle", "yielding");
        Path path = KvsStats.read(name).path();

        assertThat(server.log())
                .contains("kvs server: serving '" + name + "' at " + path + " (pid "
                        + server.process().pid() + ", 2 workers, 32 stripes, idle yielding")
                .contains("kvs server: created " + path + ".store; room for 1,048,576 entries and 256.0 MiB of keys"
                        + " and values");
        KvsStats stats = KvsStats.read(name);
        assertThat(stats.workers()).isEqualTo(2);
        assertThat(stats.stripes()).isEqualTo(32);
    }

    @Test
    void sigtermStopsGracefullyPrintsFinalStatisticsRemovesTheRegionAndKeepsTheEntries() throws Exception {
        String name = KvsProcesses.uniqueName("cli-server");
        KvsProcesses.Server server = kvs.startServer(name);
        Path path = KvsStats.read(name).path();
        Path store = KvsStats.read(name).storePath();
        assertThat(kvs.run("set", "--name", name, "a", "1").exitCode()).isZero();
        assertThat(kvs.run("set", "--name", name, "b", "2").exitCode()).isZero();
        assertThat(kvs.run("post", "--name", name, "a", "3").exitCode()).isEqualTo(1);
        assertThat(kvs.run("get", "--name", name, "a").exitCode()).isZero();

        String output = server.stopGracefully();

        assertThat(output)
                .contains("kvs server: stopping '" + name + "'")
                .contains("kvs server: served 4 requests in ")
                .contains("1 gets (1 hits), 2 sets, 1 posts (1 rejected), 0 dels (0 hits)")
                .contains("kvs server: 2 entries stored")
                .contains("0 writes refused (store full), 0 corrupt entries")
                .contains("kvs server: removed " + path + "; kept 2 entries in " + store
                        + " for the next server ('kvs destroy --name " + name + "' removes them)");
        assertThat(Files.exists(path)).as("region file " + path + " removed").isFalse();
        assertThat(Files.exists(store)).as("store file " + store + " kept").isTrue();
        assertThatThrownBy(() -> KvsStats.read(name)).isInstanceOf(KvsUnavailableException.class);
    }

    @Test
    void theNextServerServesTheEntriesAgainUnlessFresh() throws Exception {
        String name = KvsProcesses.uniqueName("cli-restart");
        KvsProcesses.Server first = kvs.startServer(name);
        assertThat(kvs.run("set", "--name", name, "user:1", "Ada").exitCode()).isZero();
        assertThat(kvs.run("set", "--name", name, "user:2", "Grace").exitCode()).isZero();
        first.stopGracefully();

        KvsProcesses.Server second = kvs.startServer(name);
        assertThat(second.log())
                .contains("kvs server: adopted 2 entries from "
                        + KvsStats.read(name).storePath());
        CliResult kept = kvs.run("get", "--name", name, "user:1");
        assertThat(kept.exitCode()).as(kept.describe()).isZero();
        assertThat(kept.stdout()).as(kept.describe()).isEqualTo("Ada\n");
        second.stopGracefully();

        KvsProcesses.Server fresh = kvs.startServer(name, "--fresh");
        assertThat(fresh.log())
                .contains("kvs server: discarded the entries in "
                        + KvsStats.read(name).storePath() + " (--fresh)");
        CliResult gone = kvs.run("get", "--name", name, "user:1");
        assertThat(gone.exitCode()).as(gone.describe()).isEqualTo(1);
        assertThat(KvsStats.read(name).storeLiveBytes()).isZero();
    }

    @Test
    void maxEntriesAndMaxDataBytesBoundTheStore() throws Exception {
        String name = KvsProcesses.uniqueName("cli-limits");
        KvsProcesses.Server server = kvs.startServer(name, "--max-entries", "2", "--max-data-bytes", "1m");
        assertThat(server.log()).contains("room for 2 entries and 1.0 MiB of keys and values");
        KvsStats stats = KvsStats.read(name);
        assertThat(stats.maxEntries()).isEqualTo(2);
        assertThat(stats.storeDataBytes()).isEqualTo(1 << 20);

        assertThat(kvs.run("set", "--name", name, "a", "1").exitCode()).isZero();
        assertThat(kvs.run("set", "--name", name, "b", "2").exitCode()).isZero();
        CliResult full = kvs.run("set", "--name", name, "c", "3");

        assertThat(full.exitCode()).as(full.describe()).isEqualTo(2);
        assertThat(full.stderrLines())
                .as(full.describe())
                .singleElement()
                .asString()
                .startsWith("kvs set: ")
                .contains("is full")
                .contains("maxEntries = 2");
        assertThat(kvs.run("set", "--name", name, "a", "updated").exitCode())
                .as("an update needs no new entry")
                .isZero();
        assertThat(server.process().isAlive()).as("the server keeps serving").isTrue();
    }

    @Test
    void aStoreMadeWithOtherLimitsIsRefusedWithTheCommandLineWaysOut() throws Exception {
        String name = KvsProcesses.uniqueName("cli-limits");
        kvs.startServer(name, "--max-entries", "2", "--max-data-bytes", "1m").stopGracefully();

        CliResult other = kvs.run("server", "--name", name, "--max-entries", "3", "--max-data-bytes", "1m");

        assertThat(other.exitCode()).as(other.describe()).isEqualTo(2);
        assertThat(other.stderrLines())
                .as(other.describe())
                .singleElement()
                .asString()
                .startsWith("kvs server: ")
                .contains(name + ".store")
                .contains("add --fresh")
                .contains("'kvs destroy --name " + name + "'");

        KvsProcesses.Server fresh = kvs.startServer(name, "--max-entries", "3", "--max-data-bytes", "1m", "--fresh");
        assertThat(fresh.log()).contains("room for 3 entries");
    }

    @Test
    void persistenceRecoversTheEntriesAfterTheSharedMemoryIsDestroyed(@TempDir Path dir) throws Exception {
        String name = KvsProcesses.uniqueName("cli-persist");
        KvsProcesses.Server first = kvs.startServer(name, "--persistence", dir.toString(), "--fsync", "always");
        assertThat(first.log()).contains("kvs server: persisting to " + dir.toAbsolutePath() + " (fsync always)");
        assertThat(kvs.run("set", "--name", name, "user:1", "Ada").exitCode()).isZero();
        assertThat(kvs.run("set", "--name", name, "user:2", "Grace").exitCode()).isZero();
        assertThat(kvs.run("del", "--name", name, "user:2").exitCode()).isZero();
        CliResult stats = kvs.run("stats", "--name", name);
        assertThat(stats.stdout()).as(stats.describe()).contains("disk      fsync always, log ");
        first.stopGracefully();
        assertThat(kvs.run("destroy", "--name", name).exitCode()).isZero();

        KvsProcesses.Server second = kvs.startServer(name, "--persistence", dir.toString());
        assertThat(second.log()).contains("kvs server: recovered 1 entries from " + dir.toAbsolutePath());
        CliResult kept = kvs.run("get", "--name", name, "user:1");
        assertThat(kept.stdout()).as(kept.describe()).isEqualTo("Ada\n");
        assertThat(kvs.run("get", "--name", name, "user:2").exitCode()).isEqualTo(1);
    }

    @Test
    void fsyncWithoutPersistenceAndAnUnknownPolicyAreUsageErrors(@TempDir Path dir) throws Exception {
        String name = KvsProcesses.uniqueName("cli-fsync");
        CliResult alone = kvs.run("server", "--name", name, "--fsync", "always");
        assertThat(alone.exitCode()).as(alone.describe()).isEqualTo(2);
        assertThat(alone.stderr()).as(alone.describe()).contains("--fsync needs --persistence DIR");
        CliResult unknown = kvs.run("server", "--name", name, "--persistence", dir.toString(), "--fsync", "sometimes");
        assertThat(unknown.exitCode()).as(unknown.describe()).isEqualTo(2);
        assertThat(unknown.stderr()).as(unknown.describe()).contains("use always, everysec or never");
    }
}
