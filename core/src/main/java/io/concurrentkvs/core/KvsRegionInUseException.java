package io.concurrentkvs.core;

/** A server is already alive on the store's name; the message names its pid and the region's path. */
public class KvsRegionInUseException extends KvsException {
    private static final long serialVersionUID = 1L;

    private final long pid;

    public KvsRegionInUseException(String message, long pid) {
        super(message);
        this.pid = pid;
    }

    /** Process id of the live server. */
    public long pid() {
        return pid;
    }
}
