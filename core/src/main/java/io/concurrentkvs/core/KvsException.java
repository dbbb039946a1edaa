package io.concurrentkvs.core;

/**
 * Root of every failure the store reports. Unchecked, like the rest of the failure model: a failure is
 * never a silent {@code false} or an empty result.
 *
 * <p>Async and reactive APIs signal these as errors; blocking calls throw them (a
 * {@link java.util.concurrent.CompletionException} is unwrapped first).
 */
public class KvsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed and why
     */
    public KvsException(String message) {
        super(message);
    }

    /**
     * Creates the exception with the failure that caused it.
     *
     * @param message what failed and why
     * @param cause the underlying failure, for example an {@link java.io.IOException}; may be null
     */
    public KvsException(String message, Throwable cause) {
        super(message, cause);
    }
}
