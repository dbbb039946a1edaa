package io.concurrentkvs.core;

/**
 * There is no live server to answer: no region exists under the name, the server stopped or died, or
 * the connection was closed. Requests that fail with this exception were not answered; whether a write
 * already in the server's hands was applied is unknown only when the server died.
 */
public class KvsUnavailableException extends KvsException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message why no server can answer (no region, server stopped or dead, connection closed)
     */
    public KvsUnavailableException(String message) {
        super(message);
    }

    /**
     * Creates the exception with the failure that caused it.
     *
     * @param message why no server can answer
     * @param cause the underlying failure; may be null
     */
    public KvsUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
