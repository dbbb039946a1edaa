package io.concurrentkvs.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Settings of a {@link KvsConnection}. Immutable; start from {@link #defaults()} or {@link #builder()}.
 */
public final class ConnectionOptions {
    /** Timeout of a request when the call does not give one: 5000 ms, as in the original. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(5000);
    /** How long {@code connect} waits for a region that its server is still initialising. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** A server whose heartbeat has not changed for this long is considered dead. */
    public static final Duration DEFAULT_SERVER_TIMEOUT = Duration.ofMillis(1000);
    /** Most requests that may wait for a free response slot before calls are refused. */
    public static final int DEFAULT_MAX_WAITING_REQUESTS = 65_536;
    /**
     * Until how long after a request was made a thread blocked on its future spins, polling the
     * answer, before parking.
     */
    public static final Duration DEFAULT_SYNC_SPIN = Duration.ofNanos(50_000);

    /**
     * The poller's default idle strategy: yield for 1 ms, then park from 50 µs doubling to 50 ms. It
     * never spins, so it never competes for a core with a server worker and a thread spinning on its
     * own answer. Long parks cost no latency: a request sent while the poller parks unparks it, and a
     * thread blocked on its own answer polls it itself. An idle connection costs well under 1% of a core.
     */
    public static final IdleStrategy DEFAULT_POLLER_IDLE =
            IdleStrategy.backoff(Duration.ZERO, Duration.ofMillis(1), Duration.ofNanos(50_000), Duration.ofMillis(50));

    private static final ConnectionOptions DEFAULTS = builder().build();

    private final Duration defaultTimeout;
    private final Duration connectTimeout;
    private final Duration serverTimeout;
    private final int maxWaitingRequests;
    private final Duration syncSpin;
    private final IdleStrategy pollerIdleStrategy;
    private final Path path;
    private final Executor completionExecutor;

    private ConnectionOptions(Builder b) {
        this.defaultTimeout = b.defaultTimeout;
        this.connectTimeout = b.connectTimeout;
        this.serverTimeout = b.serverTimeout;
        this.maxWaitingRequests = b.maxWaitingRequests;
        this.syncSpin = b.syncSpin;
        this.pollerIdleStrategy = b.pollerIdleStrategy;
        this.path = b.path;
        this.completionExecutor = b.completionExecutor;
    }

    public static ConnectionOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Duration defaultTimeout() {
        return defaultTimeout;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration serverTimeout() {
        return serverTimeout;
    }

    public int maxWaitingRequests() {
        return maxWaitingRequests;
    }

    public Duration syncSpin() {
        return syncSpin;
    }

    public IdleStrategy pollerIdleStrategy() {
        return pollerIdleStrategy;
    }

    /** An explicit region file, if one was set instead of the name's default path. */
    public Optional<Path> path() {
        return Optional.ofNullable(path);
    }

    /** The executor futures complete on, if set; otherwise they complete on the poller thread. */
    public Optional<Executor> completionExecutor() {
        return Optional.ofNullable(completionExecutor);
    }

    /** Builder of {@link ConnectionOptions}. Not thread-safe. */
    public static final class Builder {
        private Duration defaultTimeout = DEFAULT_TIMEOUT;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration serverTimeout = DEFAULT_SERVER_TIMEOUT;
        private int maxWaitingRequests = DEFAULT_MAX_WAITING_REQUESTS;
        private Duration syncSpin = DEFAULT_SYNC_SPIN;
        private IdleStrategy pollerIdleStrategy = DEFAULT_POLLER_IDLE;
        private Path path;
        private Executor completionExecutor;

        private Builder() {}

        /** Timeout of calls that do not pass one. */
        public Builder defaultTimeout(Duration timeout) {
            this.defaultTimeout = requirePositive("defaultTimeout", timeout);
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "connectTimeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("connectTimeout must not be negative: " + timeout);
            }
            this.connectTimeout = timeout;
            return this;
        }

        /** After this long without a server heartbeat, pending requests fail with {@link KvsUnavailableException}. */
        public Builder serverTimeout(Duration timeout) {
            this.serverTimeout = requirePositive("serverTimeout", timeout);
            return this;
        }

        public Builder maxWaitingRequests(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("maxWaitingRequests must be >= 0: " + max);
            }
            this.maxWaitingRequests = max;
            return this;
        }

        /** Spin before parking in {@code get()}/{@code join()}; zero parks at once. */
        public Builder syncSpin(Duration spin) {
            Objects.requireNonNull(spin, "syncSpin");
            if (spin.isNegative()) {
                throw new IllegalArgumentException("syncSpin must not be negative: " + spin);
            }
            this.syncSpin = spin;
            return this;
        }

        /** How the poller waits while no answer is due; {@link #DEFAULT_POLLER_IDLE} by default. */
        public Builder pollerIdleStrategy(IdleStrategy idle) {
            this.pollerIdleStrategy = Objects.requireNonNull(idle, "pollerIdleStrategy");
            return this;
        }

        public Builder path(Path path) {
            this.path = Objects.requireNonNull(path, "path");
            return this;
        }

        /** Run completions (and so the callbacks chained on them) on this executor instead of the poller. */
        public Builder completionExecutor(Executor executor) {
            this.completionExecutor = Objects.requireNonNull(executor, "completionExecutor");
            return this;
        }

        public ConnectionOptions build() {
            return new ConnectionOptions(this);
        }

        private static Duration requirePositive(String what, Duration d) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive: " + d);
            }
            return d;
        }
    }
}
