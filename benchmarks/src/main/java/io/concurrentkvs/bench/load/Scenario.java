package io.concurrentkvs.bench.load;

/**
 * The measured workloads. Each client process runs one scenario: warm-up, wait for the orchestrator's
 * go, then a timed phase.
 */
enum Scenario {
    /** Blocking GET, one at a time, latency per call. */
    SYNC_GET("sync get, 1 at a time", true),
    /** Blocking SET, one at a time. */
    SYNC_SET("sync set, 1 at a time", true),
    /** Asynchronous GETs with {@code --inflight} (1,000 by default) in flight (pipelined), throughput. */
    ASYNC_GET("async get, pipelined", false),
    /**
     * Asynchronous GETs with exactly 256 in flight: the latency of a moderately pipelined client (its p99
     * is a target) as well as its throughput.
     */
    ASYNC_GET_256("async get, 256 in flight", false, 256),
    /** Reactive batch write, a bounded window in flight. */
    SET_ALL("reactive setAll", false),
    /** Reactive batch read, a bounded window in flight. */
    GET_ALL("reactive getAll", false),
    /** 90% GET / 10% SET over the key space, pipelined (a direct loop for Chronicle Map). */
    MIX("90/10 get/set mix", false);

    final String title;
    final boolean oneAtATime;
    /** The requests in flight this scenario always runs with; 0 where a setting decides. */
    final int fixedInFlight;

    Scenario(String title, boolean oneAtATime) {
        this(title, oneAtATime, 0);
    }

    Scenario(String title, boolean oneAtATime, int fixedInFlight) {
        this.title = title;
        this.oneAtATime = oneAtATime;
        this.fixedInFlight = fixedInFlight;
    }

    /** The title of a mix row: the scenario, its key space and its number of client processes. */
    static String mixTitle(int keys, int processes) {
        String space = keys >= 1000 && keys % 1000 == 0 ? (keys / 1000) + "k" : Integer.toString(keys);
        return String.format(java.util.Locale.ROOT, "%s, %s keys, %d proc", MIX.title, space, processes);
    }

    static Scenario parse(String s) {
        return valueOf(s.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }

    String id() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
