package io.concurrentkvs.core.internal.client;

/**
 * Turns a response status and value into a request's result. Runs on the thread that completes the
 * request; may throw (a codec failure, or a {@code KvsException} for an error status), which fails the
 * request instead.
 */
@FunctionalInterface
public interface ResponseDecoder<T> {
    T decode(int status, byte[] value);
}
