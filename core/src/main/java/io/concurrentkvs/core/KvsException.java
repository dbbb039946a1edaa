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

    public KvsException(String message) {
        super(message);
    }

    public KvsException(String message, Throwable cause) {
        super(message, cause);
    }
}
