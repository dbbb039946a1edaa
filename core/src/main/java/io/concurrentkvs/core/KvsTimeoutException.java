package io.concurrentkvs.core;

/**
 * No answer arrived within the request's timeout. The request may or may not have been applied by the
 * server: a write that timed out can still have taken effect.
 */
public class KvsTimeoutException extends KvsException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message how long the request waited for its answer
     */
    public KvsTimeoutException(String message) {
        super(message);
    }
}
