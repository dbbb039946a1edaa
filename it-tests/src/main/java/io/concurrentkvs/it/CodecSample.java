package io.concurrentkvs.it;

import io.concurrentkvs.core.Codec;
import io.concurrentkvs.core.Codecs;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * A codec and a deterministic list of sample values for it, including edge cases (empty, extreme,
 * multi-byte). A writer process and the reading test derive the same values from the same index.
 *
 * @param name the codec's name, used in keys and messages
 * @param codec the codec under test
 * @param values sample value {@code i} for {@code 0 <= i < count}
 * @param count number of samples
 * @param <T> the codec's type
 */
public record CodecSample<T>(String name, Codec<T> codec, IntFunction<T> values, int count) {
    private static final int[] INTS = {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 42, -123_456_789};
    private static final long[] LONGS = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 40, -987_654_321_012L};

    /** Every built-in codec plus a user type made with {@link Codec#of}. */
    public static List<CodecSample<?>> all() {
        return List.of(
                new CodecSample<>("string", Codecs.string(), CodecSample::string, 8),
                new CodecSample<>("int32", Codecs.int32(), i -> INTS[i], INTS.length),
                new CodecSample<>("int64", Codecs.int64(), i -> LONGS[i], LONGS.length),
                new CodecSample<>("bytes", Codecs.bytes(), CodecSample::bytes, 6),
                new CodecSample<>("point", Point.CODEC, i -> new Point(i, -i * 7, "p" + i + "·ü"), 6));
    }

    private static String string(int i) {
        // Empty, ASCII, two-, three- and four-byte UTF-8 sequences, and a long one.
        String[] texts = {"", "hello", "grüße", "日本語のテキスト", "emoji 🚀🌍", "a\u0000b", "tab\tnew\nline"};
        return i < texts.length ? texts[i] : "x".repeat(700);
    }

    private static byte[] bytes(int i) {
        byte[] value = new byte[i == 5 ? 256 : i * 3];
        for (int b = 0; b < value.length; b++) {
            value[b] = (byte) (b * 31 + i);
        }
        return value;
    }

    /** The store key of sample {@code i}. */
    public String key(int i) {
        return "codec/" + name + "/" + i;
    }

    public T value(int i) {
        return values.apply(i);
    }

    /** Equality that compares arrays by content. */
    public boolean matches(int i, Object actual) {
        return Objects.deepEquals(value(i), actual);
    }
}
