package io.concurrentkvs.redis;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of three masters and no replicas on 127.0.0.1, built from three {@link RedisProcess}es
 * with {@code redis-cli --cluster create}; ready once every node reports {@code cluster_state:ok}.
 * {@link #close()} kills the three by pid.
 */
final class RedisCluster implements AutoCloseable {
    private final List<RedisProcess> nodes;

    private RedisCluster(List<RedisProcess> nodes) {
        this.nodes = nodes;
    }

    static RedisCluster start(Path dir) {
        List<RedisProcess> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Path nodeDir = dir.resolve("node" + i);
                nodes.add(RedisProcess.start(
                        nodeDir,
                        "--cluster-enabled",
                        "yes",
                        "--cluster-config-file",
                        nodeDir.resolve("nodes.conf").toString(),
                        "--cluster-node-timeout",
                        "5000"));
            }
            List<String> create = new ArrayList<>(List.of(RedisProcess.executable("redis-cli"), "--cluster", "create"));
            for (RedisProcess node : nodes) {
                create.add("127.0.0.1:" + node.port());
            }
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            RedisProcess.run(create);
            await("cluster_state:ok on every node")
                    .atMost(RedisProcess.PATIENCE)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> nodes.stream()
                            .allMatch(n -> n.cli("cluster", "info").contains("cluster_state:ok")));
            return new RedisCluster(nodes);
        } catch (RuntimeException | Error e) {
            nodes.forEach(RedisProcess::close);
            throw e;
        }
    }

    String url() {
        return "redis-cluster://"
                + nodes.stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.joining(","));
    }

    List<RedisProcess> nodes() {
        return nodes;
    }

    @Override
    public void close() {
        nodes.forEach(RedisProcess::close);
    }
}
