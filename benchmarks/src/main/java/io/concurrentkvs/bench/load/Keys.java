package io.concurrentkvs.bench.load;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The benchmark's key space, identical in every process so that a key written by the loader is found by
 * every client without any coordination.
 *
 * <p>Two styles: {@code var} keys are 8 to 16 ASCII bytes ("k", filler, then the decimal index at the
 * end, the length picked by a hash of the index so lengths are spread evenly), {@code fixed8} keys are
 * the index as 8 big-endian bytes (the shape the heap-per-entry measurement asks for). Both are unique
 * per index. Values are 100 bytes, fixed per process (their content does not matter to any store).
 * Stateless and thread-safe; public because the JMH store benchmark uses the same keys.
 */
public final class Keys {
    public static final int VALUE_BYTES = 100;

    private Keys() {}

    /** All keys {@code 0..count-1} of a style, built up front so the timed loops never allocate a key. */
    public static byte[][] build(String style, int count) {
        byte[][] keys = new byte[count][];
        for (int i = 0; i < count; i++) {
            keys[i] = key(style, i);
        }
        return keys;
    }

    public static byte[] key(String style, long index) {
        switch (style) {
            case "fixed8":
                byte[] b = new byte[8];
                for (int i = 7; i >= 0; i--) {
                    b[i] = (byte) index;
                    index >>>= 8;
                }
                return b;
            case "var":
                return varKey(index);
            default:
                throw new IllegalArgumentException("unknown key style " + style + " (var, fixed8)");
        }
    }

    /**
     * The {@code var} key of {@code index} (at least 0), built with one allocation: clients that cannot hold
     * a table of ten million keys make each request's key on the fly with it.
     */
    public static byte[] varKey(long index) {
        if (index < 0) {
            throw new IllegalArgumentException("negative key index " + index);
        }
        int digits = 1;
        for (long rest = index / 10; rest > 0; rest /= 10) {
            digits++;
        }
        int length = Math.max(8 + (int) Math.floorMod(mix(index), 9L), digits + 1);
        byte[] k = new byte[length];
        k[0] = 'k';
        int firstDigit = length - digits;
        Arrays.fill(k, 1, firstDigit, (byte) 'x');
        long rest = index;
        for (int i = length - 1; i >= firstDigit; i--) {
            k[i] = (byte) ('0' + rest % 10);
            rest /= 10;
        }
        return k;
    }

    public static byte[] value(long seed) {
        byte[] v = new byte[VALUE_BYTES];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < v.length; i++) {
            v[i] = (byte) ('a' + random.nextInt(26));
        }
        return v;
    }

    // A 64-bit finalizer (SplitMix64's) so neighbouring indices get unrelated lengths.
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
