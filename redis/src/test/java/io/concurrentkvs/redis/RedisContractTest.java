package io.concurrentkvs.redis;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The contract against one standalone {@code redis-server} on loopback; skipped if none is installed. */
class RedisContractTest extends KvsContract {
    @TempDir
    static Path dir;

    private static RedisProcess redis;

    @BeforeAll
    static void startRedis() {
        assumeTrue(RedisProcess.installed(), "redis-server and redis-cli are not on the PATH");
        redis = RedisProcess.start(dir);
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    String target() {
        return redis.url();
    }
}
