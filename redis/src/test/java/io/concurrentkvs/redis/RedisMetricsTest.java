package io.concurrentkvs.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.concurrentkvs.core.AsyncKvsClient;
import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.core.KvsTimeoutException;
import io.concurrentkvs.micrometer.KvsClientMetrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link KvsClientMetrics} over a standalone Redis: the Redis backend reports each request to the
 * connection's listeners with the same ops and outcomes as the shared-memory engine.
 */
class RedisMetricsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private RedisProcess redis;
    private KvsConnection connection;
    private KvsClientMetrics metrics;
    private AsyncKvsClient<String, String> kvs;

    @BeforeEach
    void start() {
        assumeTrue(RedisProcess.installed(), "redis-server and redis-cli are not on the PATH");
        redis = RedisProcess.start(dir);
        connection = KvsConnection.connect(redis.url());
        metrics = new KvsClientMetrics(connection);
        metrics.bindTo(registry);
        kvs = connection.async(Codecs.string(), Codecs.string());
    }

    @AfterEach
    void stop() {
        if (metrics != null) {
            metrics.close();
        }
        if (connection != null) {
            connection.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private long count(String op, String outcome) {
        Timer timer = registry.find(KvsClientMetrics.REQUESTS)
                .tags("op", op, "outcome", outcome)
                .timer();
        return timer == null ? 0 : timer.count();
    }

    @Test
    void requestsAreTimedByOperationAndOutcome() {
        assertThat(kvs.set("k", "v").join()).isTrue();
        assertThat(kvs.get("k").join()).contains("v");
        assertThat(kvs.get("absent").join()).isEmpty();
        assertThat(kvs.post("k", "other").join()).isFalse();
        assertThat(kvs.del("k").join()).isTrue();
        assertThat(kvs.del("k").join()).isFalse();

        // A request is timed as its future completes, maybe just after join() returned: wait for the last.
        await().atMost(PATIENCE).until(() -> count("del", "success") == 2);
        assertThat(count("set", "success")).isEqualTo(1);
        assertThat(count("get", "hit")).isEqualTo(1);
        assertThat(count("get", "miss")).isEqualTo(1);
        assertThat(count("post", "success")).isEqualTo(1);
        assertThat(count("get", "success")).isZero();
        assertThat(registry.find(KvsClientMetrics.REQUESTS).timers())
                .as("one timer per operation and outcome seen, no more")
                .hasSize(5);
        assertThat(registry.find(KvsClientMetrics.INFLIGHT).gauge().value()).isZero();
    }

    @Test
    void aRequestToAStoppedRedisIsTimedAsATimeout() {
        redis.pause();
        try {
            Assertions.assertThatThrownBy(
                            () -> kvs.get("k", Duration.ofMillis(200)).join())
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(KvsTimeoutException.class);
        } finally {
            redis.resume();
        }
        await().atMost(PATIENCE).until(() -> count("get", "timeout") == 1);
        assertThat(count("get", "hit") + count("get", "miss")).isZero();
    }
}
