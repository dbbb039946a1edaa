package io.concurrentkvs.cli;

import java.time.Duration;

/**
 * What {@code kvs bench} runs: how many operations, spread over how many client connections, each with a
 * window of {@code pipeline} requests in flight. Immutable.
 *
 * @param name store name
 * @param ops operations to time, over all clients
 * @param clients client connections, one sending thread each
 * @param pipeline requests each client keeps in flight
 * @param valueSize bytes of each value written
 * @param keys size of the key space; keys are chosen uniformly
 * @param mix weights of get/set/post/del
 * @param timeout per-request timeout
 * @param preload whether every key is written once, untimed, before the timed run
 */
record BenchPlan(
        String name,
        long ops,
        int clients,
        int pipeline,
        int valueSize,
        int keys,
        OperationMix mix,
        Duration timeout,
        boolean preload) {

    BenchPlan {
        require(ops >= 1, "--ops must be >= 1: " + ops);
        require(clients >= 1, "--clients must be >= 1: " + clients);
        require(pipeline >= 1, "--pipeline must be >= 1: " + pipeline);
        require(valueSize >= 0, "--value-size must be >= 0: " + valueSize);
        require(keys >= 1, "--keys must be >= 1: " + keys);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Operations client {@code index} runs: an equal share, the remainder going to the first clients. */
    long opsOf(int index) {
        return ops / clients + (index < ops % clients ? 1 : 0);
    }

    /** The first key client {@code index} writes in the preload phase; it writes up to the next client's. */
    int firstPreloadKey(int index) {
        return (int) ((long) keys * index / clients);
    }

    /** The key with number {@code n}. */
    static String key(long n) {
        return "key:" + n;
    }
}
