package io.concurrentkvs.core.internal.region;

import io.concurrentkvs.core.KvsUnavailableException;

/**
 * The region file exists but its server has not finished creating it (the header's version word, written
 * last, is still zero). Unlike the other ways a server is unavailable this one passes by itself within
 * moments, so a connecting client waits and retries on it, for up to its connect timeout; callers tell it
 * apart by type, never by message. Internal: users see it as the {@link KvsUnavailableException} it is.
 */
public final class RegionNotReadyException extends KvsUnavailableException {
    private static final long serialVersionUID = 1L;

    RegionNotReadyException(String message) {
        super(message);
    }
}
