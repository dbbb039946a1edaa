package io.concurrentkvs.bench.jmh;

import io.concurrentkvs.core.internal.memory.Memory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The key of a {@link ConcurrentStore} entry. Keys of up to 16 bytes, the common case, keep their bytes
 * inline in the key object as one or two {@code long} fields; longer keys wrap their byte array.
 *
 * <p>Why: with compressed oops, a wrapper plus a {@code byte[8]} costs 48 bytes per entry, an inline
 * key of up to 8 bytes 24 and one of up to 16 bytes 32, and comparing inline keys touches no second
 * object. Equal keys always have the same length and so the same class, which is all {@code equals}
 * needs. Immutable and thread-safe.
 */
abstract class StoreKey {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final boolean BIG_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN;

    private StoreKey() {}

    /**
     * The key for {@code bytes}. A key of more than 16 bytes keeps the array: it must not be modified
     * afterwards.
     */
    static StoreKey of(byte[] bytes) {
        int length = bytes.length;
        if (length <= 8) {
            return new Inline8(word(bytes, 0, length), length);
        }
        if (length <= 16) {
            return new Inline16(word(bytes, 0, 8), word(bytes, 8, length - 8), length);
        }
        return new Wrapped(bytes);
    }

    /**
     * The key of {@code length} bytes at {@code offset} of {@code memory}, read without an intermediate
     * array when it is kept inline. Reads whole 8-byte words, never past {@code limit} (the end of the
     * key's record): a word that would cross it is read as the 8 bytes ending at the key's last byte
     * instead, so at least 8 bytes before the end of a short key must be readable (a record's header
     * precedes its key).
     *
     * @throws IndexOutOfBoundsException if the words lie outside {@code memory}
     */
    static StoreKey read(Memory memory, long offset, int length, long limit) {
        if (length <= 8) {
            return new Inline8(word(memory, offset, length, limit), length);
        }
        if (length <= 16) {
            return new Inline16(word(memory, offset, 8, limit), word(memory, offset + 8, length - 8, limit), length);
        }
        byte[] bytes = new byte[length];
        memory.getBytes(offset, bytes, 0, length);
        return new Wrapped(bytes);
    }

    /** {@code count} (0-8) bytes at {@code offset}, as {@link #word(byte[], int, int)} reads them. */
    private static long word(Memory memory, long offset, int count, long limit) {
        if (count == 0) {
            return 0;
        }
        if (offset + 8 > limit) {
            // The 8 bytes ending at the key's last byte: the key's bytes are the top count of them.
            long tail = memory.getLong(offset + count - 8);
            if (BIG_ENDIAN) {
                tail = Long.reverseBytes(tail);
            }
            return tail >>> ((8 - count) << 3);
        }
        long word = memory.getLong(offset);
        if (BIG_ENDIAN) {
            word = Long.reverseBytes(word);
        }
        return count == 8 ? word : word & ((1L << (count << 3)) - 1);
    }

    /** {@code count} (0-8) bytes from {@code from}, little-endian, zero above them. */
    private static long word(byte[] bytes, int from, int count) {
        if (count == 8) {
            return (long) LONGS.get(bytes, from);
        }
        long word = 0;
        for (int i = count - 1; i >= 0; i--) {
            word = (word << 8) | (bytes[from + i] & 0xFFL);
        }
        return word;
    }

    /** Spreads the words into an int; the map spreads it further. */
    private static int mix(long a, long b, int length) {
        long h = (a * 0x9E3779B97F4A7C15L) ^ (b * 0xC2B2AE3D27D4EB4FL) ^ length;
        h ^= h >>> 29;
        return (int) (h ^ (h >>> 32));
    }

    /** 0-8 bytes. The length tells {@code "a"} from {@code "a\0"}. */
    private static final class Inline8 extends StoreKey {
        private final long word;
        private final int length;

        Inline8(long word, int length) {
            this.word = word;
            this.length = length;
        }

        @Override
        public int hashCode() {
            return mix(word, 0, length);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Inline8 && ((Inline8) other).word == word && ((Inline8) other).length == length;
        }
    }

    /** 9-16 bytes. */
    private static final class Inline16 extends StoreKey {
        private final long low;
        private final long high;
        private final int length;

        Inline16(long low, long high, int length) {
            this.low = low;
            this.high = high;
            this.length = length;
        }

        @Override
        public int hashCode() {
            return mix(low, high, length);
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof Inline16)) {
                return false;
            }
            Inline16 that = (Inline16) other;
            return that.low == low && that.high == high && that.length == length;
        }
    }

    /** More than 16 bytes, with the hash computed once. */
    private static final class Wrapped extends StoreKey {
        private final byte[] bytes;
        private final int hash;

        Wrapped(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Wrapped
                    && ((Wrapped) other).hash == hash
                    && Arrays.equals(((Wrapped) other).bytes, bytes);
        }
    }
}
