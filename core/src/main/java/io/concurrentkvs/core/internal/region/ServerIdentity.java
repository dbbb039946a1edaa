package io.concurrentkvs.core.internal.region;

/** What a server writes about itself into a new region's header. Immutable. */
public record ServerIdentity(
        long pid, long processStartMillis, long epoch, long createdMillis, int workers, int stripes) {}
