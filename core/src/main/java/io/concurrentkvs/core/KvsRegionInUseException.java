package io.concurrentkvs.core;

/** A server is already alive on the store's name; the message names its pid and the region's path. */
public class KvsRegionInUseException extends KvsException {
    private static final long serialVersionUID = 1L;

    /** Process id of the live server that holds the name. */
    private final long pid;

    /**
     * Creates the exception.
     *
     * @param message the name, the region's path and the live server's pid
     * @param pid process id of the live server
     */
    public KvsRegionInUseException(String message, long pid) {
        super(message);
        this.pid = pid;
    }

    /**
     * The server that holds the name.
     *
     * @return process id of the live server
     */
    public long pid() {
        return pid;
    }
}
