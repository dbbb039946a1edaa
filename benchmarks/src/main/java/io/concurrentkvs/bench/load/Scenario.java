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
    /** Asynchronous GETs with a fixed number in flight (pipelined), throughput. */
    ASYNC_GET("async get, pipelined", false),
    /** Reactive batch write, a bounded window in flight. */
    SET_ALL("reactive setAll", false),
    /** Reactive batch read, a bounded window in flight. */
    GET_ALL("reactive getAll", false),
    /** 90% GET / 10% SET over the key space, pipelined (a direct loop for Chronicle Map). */
    MIX("90/10 get/set mix", false);

    final String title;
    final boolean oneAtATime;

    Scenario(String title, boolean oneAtATime) {
        this.title = title;
        this.oneAtATime = oneAtATime;
    }

    static Scenario parse(String s) {
        return valueOf(s.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }

    String id() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
