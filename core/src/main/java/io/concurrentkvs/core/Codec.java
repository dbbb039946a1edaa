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
    /** The bytes for {@code value}, which is never null. */
    byte[] encode(T value);

    /** The value for {@code bytes} (possibly empty, never null). */
    T decode(byte[] bytes);

    /** A codec from two functions; both must be thread-safe. */
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
