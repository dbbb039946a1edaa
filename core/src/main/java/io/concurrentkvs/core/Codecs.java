package io.concurrentkvs.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The built-in codecs. All are stateless and thread-safe. */
public final class Codecs {
    private static final Codec<String> STRING =
            Codec.of(s -> s.getBytes(StandardCharsets.UTF_8), b -> new String(b, StandardCharsets.UTF_8));

    private static final Codec<Integer> INT32 = new Codec<>() {
        @Override
        public byte[] encode(Integer value) {
            return ByteBuffer.allocate(4)
                    .order(ByteOrder.BIG_ENDIAN)
                    .putInt(value)
                    .array();
        }

        @Override
        public Integer decode(byte[] bytes) {
            requireLength(bytes, 4, "int32");
            return ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN).getInt();
        }
    };

    private static final Codec<Long> INT64 = new Codec<>() {
        @Override
        public byte[] encode(Long value) {
            return ByteBuffer.allocate(8)
                    .order(ByteOrder.BIG_ENDIAN)
                    .putLong(value)
                    .array();
        }

        @Override
        public Long decode(byte[] bytes) {
            requireLength(bytes, 8, "int64");
            return ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN).getLong();
        }
    };

    private static final Codec<byte[]> BYTES = Codec.of(b -> Arrays.copyOf(b, b.length), b -> b);

    private Codecs() {}

    /**
     * UTF-8 strings.
     *
     * @return the codec of strings as their UTF-8 bytes
     */
    public static Codec<String> string() {
        return STRING;
    }

    /**
     * 32-bit integers, 4 bytes big-endian (so byte order matches numeric order for non-negatives).
     *
     * @return the int32 codec; its {@code decode} throws {@link IllegalArgumentException} unless given exactly 4
     *     bytes
     */
    public static Codec<Integer> int32() {
        return INT32;
    }

    /**
     * 64-bit integers, 8 bytes big-endian.
     *
     * @return the int64 codec; its {@code decode} throws {@link IllegalArgumentException} unless given exactly 8
     *     bytes
     */
    public static Codec<Long> int64() {
        return INT64;
    }

    /**
     * Raw bytes; encoding copies the array so later changes by the caller cannot race with the send.
     *
     * @return the identity codec of byte arrays; {@code decode} returns the array it is given, without a copy
     */
    public static Codec<byte[]> bytes() {
        return BYTES;
    }

    private static void requireLength(byte[] bytes, int length, String codec) {
        if (bytes.length != length) {
            throw new IllegalArgumentException(
                    codec + " codec needs exactly " + length + " bytes, got " + bytes.length);
        }
    }
}
