package io.concurrentkvs.core.internal.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The two functions the store file depends on: where a key lives (its 64-bit hash) and whether a record
 * is intact (its checksum). Both are written down in docs/PROTOCOL.md so that another implementation
 * finds the same slots and accepts the same records; changing either is a layout change.
 *
 * <p>Both fold 8-byte little-endian words into a 64-bit state ({@code h = rotl(h ^ w * M1, 31) * M2}),
 * the 0-7 trailing bytes forming one last, zero-padded word, and finish with the MurmurHash3 64-bit
 * finaliser. The seed is random per store file, so a client cannot choose keys that collide in a
 * table it did not create. Stateless.
 */
public final class Hashing {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long M1 = 0x9E3779B97F4A7C15L;
    private static final long M2 = 0xC2B2AE3D27D4EB4FL;

    private Hashing() {}

    /** The hash of {@code key[0, length)} under {@code seed}. */
    public static long keyHash(long seed, byte[] key, int length) {
        return finish(fold(seed ^ (length * M2), key, 0, length));
    }

    /**
     * The record checksum: its lengths, flags and expiry, then the key, then the value.
     */
    public static int checksum(
            long seed,
            int keyLength,
            int valueLength,
            int flags,
            long expiresAt,
            byte[] key,
            byte[] value,
            int valueOffset) {
        long h = seed ^ M1;
        h = step(h, ((long) keyLength << 32) | (valueLength & 0xFFFFFFFFL));
        h = step(h, flags);
        h = step(h, expiresAt);
        h = fold(h, key, 0, keyLength);
        h = fold(h, value, valueOffset, valueLength);
        long f = finish(h);
        return (int) (f ^ (f >>> 32));
    }

    private static long fold(long h, byte[] bytes, int offset, int length) {
        int end = offset + length;
        int i = offset;
        for (; i + 8 <= end; i += 8) {
            h = step(h, (long) LONGS.get(bytes, i));
        }
        if (i < end) {
            long tail = 0;
            for (int shift = 0; i < end; i++, shift += 8) {
                tail |= (bytes[i] & 0xFFL) << shift;
            }
            h = step(h, tail);
        }
        return h;
    }

    private static long step(long h, long word) {
        return Long.rotateLeft(h ^ (word * M1), 31) * M2;
    }

    /** MurmurHash3's fmix64. */
    static long finish(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
