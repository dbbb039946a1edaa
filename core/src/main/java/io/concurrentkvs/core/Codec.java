package io.concurrentkvs.core;

import java.util.Objects;
import java.util.function.Function;

/**
 * Converts keys or values to the bytes the server stores, and back. The server never sees application
 * types: any process with the same codec reads what another wrote.
 *
 * <p>Implementations must be thread-safe (they are called from application threads and from the
 * connection's poller thread) and should be fast: they run on the request path. {@link #encode} must
 * return a new array or one the caller may keep; it is not modified afterwards.
 *
 * @param <T> the application type
 */
public interface Codec<T> {
    /**
     * Encodes a key or value.
     *
     * @param value the value to encode, never null
     * @return its bytes, never null (an empty array is a value)
     */
    byte[] encode(T value);

    /**
     * Decodes a stored value. An exception thrown here fails the request's future with a
     * {@link KvsException} whose cause it is (a {@code KvsException} is passed on as it is).
     *
     * @param bytes the stored bytes, possibly empty, never null
     * @return the decoded value
     */
    T decode(byte[] bytes);

    /**
     * A codec from two functions; both must be thread-safe.
     *
     * @param <T> the application type
     * @param encode turns a value into its bytes; the codec's {@code encode} throws
     *     {@link IllegalArgumentException} if it returns null
     * @param decode turns stored bytes back into a value
     * @return a codec that calls the two functions
     * @throws NullPointerException if {@code encode} or {@code decode} is null
     */
    static <T> Codec<T> of(Function<T, byte[]> encode, Function<byte[], T> decode) {
        Objects.requireNonNull(encode, "encode");
        Objects.requireNonNull(decode, "decode");
        return new Codec<>() {
            @Override
            public byte[] encode(T value) {
                byte[] bytes = encode.apply(value);
                if (bytes == null) {
                    throw new IllegalArgumentException("codec encoded " + value + " to null");
                }
                return bytes;
            }

            @Override
            public T decode(byte[] bytes) {
                return decode.apply(bytes);
            }
        };
    }
}
