package io.concurrentkvs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kvs get|set|post|del --url redis://...} against a real {@code redis-server} on loopback, started
 * and killed by this test; skipped if redis-server is not installed.
 */
class OperationCommandsOverRedisIT {
    @RegisterExtension
    final KvsProcesses kvs = new KvsProcesses();

    @TempDir
    Path dir;

    private Process redis;
    private String url;

    @BeforeEach
    void startRedis() throws IOException {
        Path server = Path.of("/usr/bin/redis-server");
        assumeTrue(Files.isExecutable(server), "redis-server is not installed");
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        redis = new ProcessBuilder(List.of(
                        server.toString(),
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--dir",
                        dir.toString()))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        int p = port;
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", p), 500);
                return true;
            }
        });
        url = "redis://127.0.0.1:" + port;
    }

    @AfterEach
    void stopRedis() throws InterruptedException {
        if (redis != null) {
            redis.destroyForcibly();
            redis.waitFor();
        }
    }

    @Test
    void theOneShotCommandsTakeARedisUrlWithTheSameAnswersAndExitCodes() {
        CliResult set = kvs.run("set", "--url", url, "user:1", "Ada");
        assertThat(set.exitCode()).as(set.describe()).isZero();
        assertThat(set.stdout()).as(set.describe()).isEqualTo("OK\n");

        CliResult get = kvs.run("get", "--url", url, "user:1");
        assertThat(get.exitCode()).as(get.describe()).isZero();
        assertThat(get.stdout()).as(get.describe()).isEqualTo("Ada\n");

        CliResult post = kvs.run("post", "--url", url, "user:1", "Grace");
        assertThat(post.exitCode()).as(post.describe()).isEqualTo(1);

        CliResult del = kvs.run("del", "--url", url, "user:1");
        assertThat(del.exitCode()).as(del.describe()).isZero();
        CliResult absent = kvs.run("get", "--url", url, "user:1");
        assertThat(absent.exitCode()).as(absent.describe()).isEqualTo(1);
    }

    @Test
    void urlAndNameTogetherAreRefused() {
        CliResult both = kvs.run("get", "--url", url, "--name", "my_kvs", "k");
        assertThat(both.exitCode()).as(both.describe()).isEqualTo(2);
        assertThat(both.stderr()).as(both.describe()).contains("--url and --name are exclusive");
    }
}
