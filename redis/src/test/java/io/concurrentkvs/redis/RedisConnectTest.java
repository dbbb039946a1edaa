package io.concurrentkvs.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.ConnectionOptions;
import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.core.KvsUnavailableException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Connecting by URL: what a connection says about itself, bad URLs, nothing listening, and close. */
class RedisConnectTest {
    @TempDir
    Path dir;

    @Test
    void nothingListeningFailsTheConnectWithUnavailable() {
        int port = RedisProcess.freePort();
        assertThatThrownBy(() -> KvsConnection.connect("redis://127.0.0.1:" + port))
                .isInstanceOf(KvsUnavailableException.class)
                .hasMessageContaining("cannot connect to redis://127.0.0.1:" + port);
    }

    @Test
    void malformedUrlsAreRefusedWithIllegalArgumentWithoutTheirPassword() {
        assertThatThrownBy(() -> KvsConnection.connect("redis-cluster://:secret@127.0.0.1:7000/3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no database number")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> KvsConnection.connect("redis-cluster://127.0.0.1:7000,,127.0.0.1:7001"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty seed node");
    }

    @Test
    void aConnectionNamesItsUrlHasNoRegionFileAndSelectsItsDatabase() throws Exception {
        assumeTrue(RedisProcess.installed(), "redis-server and redis-cli are not on the PATH");
        try (RedisProcess redis = RedisProcess.start(dir);
                KvsConnection db3 = KvsConnection.connect(redis.url() + "/3")) {
            assertThat(db3.name()).isEqualTo(redis.url() + "/3");
            assertThatThrownBy(db3::path).isInstanceOf(UnsupportedOperationException.class);
            db3.async(Codecs.string(), Codecs.string()).set("k", "v").get(30, TimeUnit.SECONDS);
            assertThat(redis.cli("-n", "3", "get", "k")).contains("v");
            assertThat(redis.cli("-n", "0", "exists", "k")).contains("0");
        }
    }

    @Test
    void closeEndsEveryLettuceThread() throws Exception {
        assumeTrue(RedisProcess.installed(), "redis-server and redis-cli are not on the PATH");
        try (RedisProcess redis = RedisProcess.start(dir)) {
            KvsConnection connection = KvsConnection.connect(redis.url(), ConnectionOptions.defaults());
            connection.async(Codecs.string(), Codecs.string()).set("k", "v").get(30, TimeUnit.SECONDS);
            assertThat(lettuceThreads()).isPositive();
            connection.close();
            await().atMost(Duration.ofSeconds(30)).until(() -> lettuceThreads() == 0);
        }
    }

    private static long lettuceThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("lettuce-"))
                .count();
    }
}
