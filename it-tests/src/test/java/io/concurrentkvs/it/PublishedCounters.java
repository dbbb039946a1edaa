package io.concurrentkvs.it;

import static org.awaitility.Awaitility.await;

import io.concurrentkvs.core.internal.region.Counters;
import io.concurrentkvs.core.internal.region.Region;
import io.concurrentkvs.core.internal.region.RegionPaths;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The counters a live server publishes in its region header, read so that they are certainly those of a
 * complete monitor pass that started after the call: the server writes its heartbeat and then every
 * counter, once per heartbeat interval, so once the heartbeat has moved twice past the value seen at the
 * start, the pass that moved it the first time has published all its counters. Used for the counters
 * {@link io.concurrentkvs.core.KvsStats} does not carry ({@link Counters#CORRUPT_ENTRIES},
 * {@link Counters#CAPACITY_REJECTIONS}) and for checks of a zero, which waiting for a value cannot make.
 *
 * <p>Stateless; any thread.
 */
final class PublishedCounters {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private PublishedCounters() {}

    /**
     * A copy of the region header of the store {@code name} once a pass that started after this call has
     * published its counters.
     */
    static Region settled(String name) {
        Path path = RegionPaths.defaultPath(name);
        long started = nextHeartbeat(path, Region.readHeader(path).heartbeat());
        nextHeartbeat(path, started);
        return Region.readHeader(path);
    }

    private static long nextHeartbeat(Path path, long after) {
        long[] seen = {after};
        await("a heartbeat of " + path + " after " + after)
                .atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(10))
                .until(() -> (seen[0] = Region.readHeader(path).heartbeat()) > after);
        return seen[0];
    }

    /** {@code counter} of the store {@code name}, as of a complete pass that started after this call. */
    static long read(String name, Counters counter) {
        return settled(name).counter(counter);
    }
}
