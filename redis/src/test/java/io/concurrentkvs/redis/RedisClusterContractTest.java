package io.concurrentkvs.redis;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract against a three-master Redis Cluster on loopback; the tests' keys spread over all three
 * masters' slots. Skipped if redis-server is not installed.
 */
class RedisClusterContractTest extends KvsContract {
    @TempDir
    static Path dir;

    private static RedisCluster cluster;

    @BeforeAll
    static void startCluster() {
        assumeTrue(RedisProcess.installed(), "redis-server and redis-cli are not on the PATH");
        cluster = RedisCluster.start(dir);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    String target() {
        return cluster.url();
    }
}
