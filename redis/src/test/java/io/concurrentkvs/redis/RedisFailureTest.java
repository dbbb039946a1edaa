package io.concurrentkvs.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.concurrentkvs.core.AsyncKvsClient;
import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.KvsConnection;
import io.concurrentkvs.core.KvsTimeoutException;
import io.concurrentkvs.core.KvsUnavailableException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Section 4's failure model over a standalone Redis: a stopped server gives timeouts, a killed one fails
 * requests fast (never after their timeout, never replayed), and a restarted one is reconnected to.
 */
class RedisFailureTest {
    /** Long enough that a request failing before it shows the failure was not its timeout. */
    private static final Duration LONG = Duration.ofSeconds(60);

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private RedisProcess redis;
    private KvsConnection connection;
    private AsyncKvsClient<String, String> kvs;

    @BeforeEach
    void start() {
        assumeTrue(RedisProcess.installed(), "redis-server and redis-cli are not on the PATH");
        redis = RedisProcess.start(dir);
        connection = KvsConnection.connect(redis.url());
        kvs = connection.async(Codecs.string(), Codecs.string());
    }

    @AfterEach
    void stop() {
        if (connection != null) {
            connection.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static Throwable failureOf(CompletableFuture<?> future) throws Exception {
        try {
            future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the request succeeded");
    }

    @Test
    void aStoppedRedisGivesTimeoutsAndAnswersAgainOnceContinued() throws Exception {
        kvs.set("k", "v").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        redis.pause();
        try {
            assertThat(failureOf(kvs.get("k", Duration.ofMillis(300))))
                    .isInstanceOf(KvsTimeoutException.class)
                    .hasMessageContaining("GET")
                    .hasMessageContaining("300 ms");
        } finally {
            redis.resume();
        }
        assertThat(kvs.get("k", LONG).get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                .contains("v");
    }

    @Test
    void aKilledRedisFailsPendingAndNewRequestsFastWithUnavailable() throws Exception {
        redis.pause();
        CompletableFuture<Boolean> pending = kvs.set("pending", "v", LONG);
        redis.kill();
        assertThat(failureOf(pending)).isInstanceOf(KvsUnavailableException.class);
        await().atMost(WAIT).until(() -> !connection.isConnected());
        assertThat(failureOf(kvs.get("k", LONG))).isInstanceOf(KvsUnavailableException.class);
        assertThatThrownBy(() -> io.concurrentkvs.blocking.KvsClient.of(connection, Codecs.string(), Codecs.string())
                        .get("k", LONG.toMillis()))
                .isInstanceOf(KvsUnavailableException.class);
    }

    @Test
    void aRestartedRedisIsReconnectedToAndARequestThatFailedIsNotReplayed() throws Exception {
        redis.pause();
        CompletableFuture<Boolean> pending = kvs.set("pending", "v", LONG);
        redis.restart();
        assertThat(failureOf(pending)).isInstanceOf(KvsUnavailableException.class);
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(50))
                .ignoreExceptions()
                .until(() -> kvs.set("after", "restart", LONG).get().booleanValue());
        assertThat(connection.isConnected()).isTrue();
        assertThat(kvs.get("after").get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).contains("restart");
        // The failed SET was not sent again by the reconnect.
        assertThat(kvs.get("pending").get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                .isEmpty();
    }
}
