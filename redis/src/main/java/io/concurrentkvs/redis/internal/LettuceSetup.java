package io.concurrentkvs.redis.internal;

import io.concurrentkvs.core.ConnectionOptions;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The Lettuce settings that give a connection the shared-memory backend's failure model: fail fast while
 * disconnected instead of queueing, never re-send a command after a reconnect (a re-sent {@code SET NX}
 * could answer "exists" for its own write), reconnect by itself at least once a second, and leave
 * timeouts to each request. Stateless.
 */
final class LettuceSetup {
    /** The longest pause between reconnect attempts, as a shared-memory connection notices a new server. */
    static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);

    private LettuceSetup() {}

    /** Threads and timer of one connection: Lettuce's defaults, with a reconnect delay capped at a second. */
    static ClientResources resources() {
        return DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
                .build();
    }

    static ClientOptions standalone(ConnectionOptions options) {
        return ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                // Commands pending when a connection drops fail instead of being replayed.
                .replayFilter(command -> true)
                // Each request has its own timeout (RedisRequest), so Lettuce's per-connection one is off.
                .timeoutOptions(TimeoutOptions.builder().timeoutCommands(false).build())
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(options.connectTimeout())
                        .build())
                .build();
    }

    static ClusterClientOptions cluster(ConnectionOptions options) {
        // Lettuce 7 refreshes the topology on every adaptive trigger by default (MOVED and ASK redirects,
        // persistent reconnects, uncovered slots, unknown nodes): a failover or slot move is followed.
        return ClusterClientOptions.builder(standalone(options)).build();
    }
}
