package io.concurrentkvs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.concurrentkvs.core.KvsStats;
import io.concurrentkvs.core.KvsUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code kvs server}: says where it serves, and SIGTERM stops it gracefully with final statistics. */
class ServerCommandIT {
    @RegisterExtension
    final KvsProcesses kvs = new KvsProcesses();

    @Test
    void printsWhereItServesWithItsSettings() throws Exception {
        String name = KvsProcesses.uniqueName("cli-server");
        KvsProcesses.Server server = kvs.startServer(name, "--workers", "2", "--stripes", "32", "--idle", "yielding");
        Path path = KvsStats.read(name).path();

        assertThat(server.log()).contains("kvs server: serving '" + name + "' at " + path + " (pid "
                + server.process().pid() + ", 2 workers, 32 stripes, idle yielding");
        KvsStats stats = KvsStats.read(name);
        assertThat(stats.workers()).isEqualTo(2);
        assertThat(stats.stripes()).isEqualTo(32);
    }

    @Test
    void sigtermStopsGracefullyPrintsFinalStatisticsAndRemovesTheRegion() throws Exception {
        String name = KvsProcesses.uniqueName("cli-server");
        KvsProcesses.Server server = kvs.startServer(name);
        Path path = KvsStats.read(name).path();
        assertThat(kvs.run("set", "--name", name, "a", "1").exitCode()).isZero();
        assertThat(kvs.run("set", "--name", name, "b", "2").exitCode()).isZero();
        assertThat(kvs.run("post", "--name", name, "a", "3").exitCode()).isEqualTo(1);
        assertThat(kvs.run("get", "--name", name, "a").exitCode()).isZero();

        String output = server.stopGracefully();

        assertThat(output).contains("kvs server: stopping '" + name + "'")
                .contains("kvs server: served 4 requests in ")
                .contains("1 gets (1 hits), 2 sets, 1 posts (1 rejected), 0 dels (0 hits)")
                .contains("kvs server: 2 entries stored")
                .contains("kvs server: removed " + path);
        assertThat(Files.exists(path)).as("region file " + path + " removed").isFalse();
        assertThatThrownBy(() -> KvsStats.read(name)).isInstanceOf(KvsUnavailableException.class);
    }
}
