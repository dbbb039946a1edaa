package io.concurrentkvs.core;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * How a thread with nothing to do waits: the server's workers when the ring is empty, a connection's
 * poller when no answer is due. An immutable description; each thread gets its own {@link Idler}.
 *
 * <p>Choices:
 * <ul>
 *   <li>{@link #busySpin()}: never gives up the CPU; lowest latency, one full core per thread. It
 *       really spins whatever the core count (unlike Chronicle's {@code Pauser.busy()}, which falls
 *       back to a balanced pauser below 8 CPUs), so on a 2-core machine keep busy threads to one.
 *   <li>{@link #balanced()} (the default): spins for 50 µs, yields for 1 ms, then parks with waits
 *       doubling from 50 µs to 1 ms. Back-to-back requests never reach the park phase, and an idle
 *       thread costs well under 1% of a core.
 *   <li>{@link #yielding()}: spins briefly, then yields forever; never parks.
 *   <li>{@link #backoff}: any spin/yield/park schedule.
 * </ul>
 */
public final class IdleStrategy {
    private static final IdleStrategy BUSY_SPIN = new IdleStrategy("busy", Long.MAX_VALUE, 0, 0, 0);
    private static final IdleStrategy BALANCED = new IdleStrategy("balanced", 50_000, 1_000_000, 50_000, 1_000_000);
    private static final IdleStrategy YIELDING = new IdleStrategy("yielding", 10_000, Long.MAX_VALUE, 0, 0);

    private final String name;
    private final long spinNanos;
    private final long yieldNanos;
    private final long minParkNanos;
    private final long maxParkNanos;

    private IdleStrategy(String name, long spinNanos, long yieldNanos, long minParkNanos, long maxParkNanos) {
        this.name = name;
        this.spinNanos = spinNanos;
        this.yieldNanos = yieldNanos;
        this.minParkNanos = minParkNanos;
        this.maxParkNanos = maxParkNanos;
    }

    /**
     * Spins with {@link Thread#onSpinWait()} and never yields or parks.
     *
     * @return the shared busy-spin strategy ({@code busy})
     */
    public static IdleStrategy busySpin() {
        return BUSY_SPIN;
    }

    /**
     * Spin 50 µs, yield 1 ms, then park 50 µs doubling to 1 ms. The default.
     *
     * @return the shared balanced strategy ({@code balanced})
     */
    public static IdleStrategy balanced() {
        return BALANCED;
    }

    /**
     * Spin 10 µs, then {@link Thread#yield()} forever.
     *
     * @return the shared yielding strategy ({@code yielding})
     */
    public static IdleStrategy yielding() {
        return YIELDING;
    }

    /**
     * Spins for {@code spin}, then yields for {@code yield}, then parks for {@code minPark}, doubling up
     * to {@code maxPark}. The phases are timed from the first idle call after work.
     *
     * @param spin how long to spin, zero or more
     * @param yield how long to yield after spinning, zero or more
     * @param minPark the first park, positive
     * @param maxPark the longest park, at least {@code minPark}
     * @return a new strategy
     * @throws IllegalArgumentException if a duration is out of those ranges
     * @throws NullPointerException if a duration is null
     */
    public static IdleStrategy backoff(Duration spin, Duration yield, Duration minPark, Duration maxPark) {
        long min = minPark.toNanos();
        long max = maxPark.toNanos();
        if (spin.isNegative() || yield.isNegative() || min <= 0 || max < min) {
            throw new IllegalArgumentException("backoff needs spin, yield >= 0 and 0 < minPark <= maxPark");
        }
        return new IdleStrategy(
                "backoff(spin=" + spin + ", yield=" + yield + ", park=" + minPark + ".." + maxPark + ")",
                spin.toNanos(),
                yield.toNanos(),
                min,
                max);
    }

    /**
     * Parses a command-line name: {@code busy}, {@code balanced} or {@code yielding} (also {@code busy-spin}
     * and {@code yield}), in any case.
     *
     * @param name the name
     * @return the shared strategy of that name
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException for any other name, listing the valid ones
     */
    public static IdleStrategy parse(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "busy":
            case "busy-spin":
                return BUSY_SPIN;
            case "balanced":
                return BALANCED;
            case "yielding":
            case "yield":
                return YIELDING;
            default:
                throw new IllegalArgumentException(
                        "unknown idle strategy '" + name + "': use busy, balanced or yielding");
        }
    }

    /**
     * A fresh waiter for one thread.
     *
     * @return a new idler, not thread-safe, in its reset state
     */
    public Idler newIdler() {
        return new Idler(this);
    }

    /**
     * The strategy's name: {@code busy}, {@code balanced}, {@code yielding}, or {@code backoff(...)} with its
     * durations.
     *
     * @return the name
     */
    @Override
    public String toString() {
        return name;
    }

    /**
     * The per-thread state of an {@link IdleStrategy}. Call {@link #idle()} after a pass that found no
     * work and {@link #reset()} after one that did. Not thread-safe: one per thread.
     */
    public static final class Idler {
        private final IdleStrategy strategy;
        private long idleSince = -1;
        private long parkNanos;
        private int calls;
        private boolean spinning;

        private Idler(IdleStrategy strategy) {
            this.strategy = strategy;
        }

        /** Marks that the thread found work: the next {@link #idle()} starts the schedule again with spinning. */
        public void reset() {
            idleSince = -1;
        }

        /** Waits a little, according to how long the thread has been idle. */
        public void idle() {
            if (strategy.spinNanos == Long.MAX_VALUE) {
                Thread.onSpinWait();
                return;
            }
            long now;
            if (idleSince < 0) {
                now = System.nanoTime();
                idleSince = now;
                parkNanos = strategy.minParkNanos;
                calls = 0;
            } else if (spinning && (++calls & 63) != 0) {
                // Reading the clock costs ~20 ns; while spinning, read it only every 64 calls.
                Thread.onSpinWait();
                return;
            } else {
                now = System.nanoTime();
            }
            long idleFor = now - idleSince;
            spinning = idleFor < strategy.spinNanos;
            if (spinning) {
                Thread.onSpinWait();
            } else if (idleFor - strategy.spinNanos < strategy.yieldNanos || strategy.maxParkNanos == 0) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(parkNanos);
                parkNanos = Math.min(strategy.maxParkNanos, parkNanos * 2);
            }
        }

        /**
         * Whether the next {@link #idle()} may park.
         *
         * @return {@code true} if the strategy parks and the thread has been idle past its spin and yield
         *     phases
         */
        public boolean inParkPhase() {
            return idleSince >= 0
                    && strategy.maxParkNanos > 0
                    && System.nanoTime() - idleSince >= strategy.spinNanos + strategy.yieldNanos;
        }
    }
}
