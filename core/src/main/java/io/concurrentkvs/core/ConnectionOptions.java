package io.concurrentkvs.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Settings of a {@link KvsConnection}. Immutable and thread-safe; start from {@link #defaults()} or
 * {@link #builder()}. Each setting's default is a {@code DEFAULT_...} constant of this class.
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

    /**
     * The options with every setting at its default.
     *
     * @return the shared default options
     */
    public static ConnectionOptions defaults() {
        return DEFAULTS;
    }

    /**
     * A builder with every setting at its default.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Timeout of a request whose call does not pass one.
     *
     * @return the default request timeout; {@link #DEFAULT_TIMEOUT} (5000 ms) unless set
     */
    public Duration defaultTimeout() {
        return defaultTimeout;
    }

    /**
     * How long {@code connect} waits for a region whose server is still initialising it before it fails
     * with {@link KvsUnavailableException}; zero tries once.
     *
     * @return the connect timeout; {@link #DEFAULT_CONNECT_TIMEOUT} (2 s) unless set
     */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * How long the server's heartbeat may stand still before the connection considers the server dead and
     * fails its pending requests with {@link KvsUnavailableException}.
     *
     * @return the server timeout; {@link #DEFAULT_SERVER_TIMEOUT} (1000 ms) unless set
     */
    public Duration serverTimeout() {
        return serverTimeout;
    }

    /**
     * Most requests that may wait for a free response slot; a call beyond it fails with
     * {@link KvsCapacityException} and is not sent.
     *
     * @return the limit; {@link #DEFAULT_MAX_WAITING_REQUESTS} unless set
     */
    public int maxWaitingRequests() {
        return maxWaitingRequests;
    }

    /**
     * How long after a request was made a thread blocked in its future's {@code get}/{@code join} spins,
     * polling the answer itself, before it parks.
     *
     * @return the spin time, zero for none; {@link #DEFAULT_SYNC_SPIN} (50 µs) unless set
     */
    public Duration syncSpin() {
        return syncSpin;
    }

    /**
     * How the connection's poller thread waits while no answer is due.
     *
     * @return the poller's idle strategy; {@link #DEFAULT_POLLER_IDLE} unless set
     */
    public IdleStrategy pollerIdleStrategy() {
        return pollerIdleStrategy;
    }

    /**
     * The region file to attach to instead of the name's default path.
     *
     * @return the explicit region path, or empty (the default) to derive it from the store name
     */
    public Optional<Path> path() {
        return Optional.ofNullable(path);
    }

    /**
     * The executor futures complete on.
     *
     * @return the completion executor, or empty (the default): futures complete on the poller thread
     */
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

        /**
         * Timeout of calls that do not pass one. Defaults to 5000 ms, see {@link #DEFAULT_TIMEOUT}.
         *
         * @param timeout the timeout, positive
         * @return this builder
         * @throws NullPointerException if {@code timeout} is null
         * @throws IllegalArgumentException if {@code timeout} is zero or negative
         */
        public Builder defaultTimeout(Duration timeout) {
            this.defaultTimeout = requirePositive("defaultTimeout", timeout);
            return this;
        }

        /**
         * How long {@code connect} waits for a region whose server is still initialising it; zero tries once.
         * Defaults to 2 s, see {@link #DEFAULT_CONNECT_TIMEOUT}.
         *
         * @param timeout the timeout, zero or positive
         * @return this builder
         * @throws NullPointerException if {@code timeout} is null
         * @throws IllegalArgumentException if {@code timeout} is negative
         */
        public Builder connectTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "connectTimeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("connectTimeout must not be negative: " + timeout);
            }
            this.connectTimeout = timeout;
            return this;
        }

        /**
         * After this long without a server heartbeat, pending requests fail with {@link KvsUnavailableException}.
         * Defaults to 1000 ms, see {@link #DEFAULT_SERVER_TIMEOUT}.
         *
         * @param timeout the timeout, positive
         * @return this builder
         * @throws NullPointerException if {@code timeout} is null
         * @throws IllegalArgumentException if {@code timeout} is zero or negative
         */
        public Builder serverTimeout(Duration timeout) {
            this.serverTimeout = requirePositive("serverTimeout", timeout);
            return this;
        }

        /**
         * Most requests that may wait for a free response slot; a call beyond it fails with
         * {@link KvsCapacityException}. Defaults to 65,536, see {@link #DEFAULT_MAX_WAITING_REQUESTS}.
         *
         * @param max the limit, zero or more
         * @return this builder
         * @throws IllegalArgumentException if {@code max} is negative
         */
        public Builder maxWaitingRequests(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("maxWaitingRequests must be >= 0: " + max);
            }
            this.maxWaitingRequests = max;
            return this;
        }

        /**
         * How long a thread blocked in a future's {@code get()}/{@code join()} spins before parking, counted from
         * when the request was made; zero parks at once. Defaults to 50 µs, see {@link #DEFAULT_SYNC_SPIN}.
         *
         * @param spin the spin time, zero or positive
         * @return this builder
         * @throws NullPointerException if {@code spin} is null
         * @throws IllegalArgumentException if {@code spin} is negative
         */
        public Builder syncSpin(Duration spin) {
            Objects.requireNonNull(spin, "syncSpin");
            if (spin.isNegative()) {
                throw new IllegalArgumentException("syncSpin must not be negative: " + spin);
            }
            this.syncSpin = spin;
            return this;
        }

        /**
         * How the poller waits while no answer is due. Defaults to {@link #DEFAULT_POLLER_IDLE}.
         *
         * @param idle the idle strategy
         * @return this builder
         * @throws NullPointerException if {@code idle} is null
         */
        public Builder pollerIdleStrategy(IdleStrategy idle) {
            this.pollerIdleStrategy = Objects.requireNonNull(idle, "pollerIdleStrategy");
            return this;
        }

        /**
         * Attach to this region file instead of the name's default path (on Linux {@code /dev/shm/<name>}).
         * Not set by default.
         *
         * @param path the region file the server was built with
         * @return this builder
         * @throws NullPointerException if {@code path} is null
         */
        public Builder path(Path path) {
            this.path = Objects.requireNonNull(path, "path");
            return this;
        }

        /**
         * Run completions (and so the callbacks chained on them) on this executor instead of the poller
         * thread. Not set by default.
         *
         * @param executor the executor
         * @return this builder
         * @throws NullPointerException if {@code executor} is null
         */
        public Builder completionExecutor(Executor executor) {
            this.completionExecutor = Objects.requireNonNull(executor, "completionExecutor");
            return this;
        }

        /**
         * The options as set so far; the builder may be reused.
         *
         * @return new immutable options
         */
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
