package io.concurrentkvs.bench.jmh;

import java.util.Arrays;

/**
 * A map key over a byte array, with its hash computed once: the key of {@link StripedLockStore}'s maps.
 * Immutable: the array must not be modified after construction. Thread-safe.
 */
final class ByteKey {
    private final byte[] bytes;
    private final int hash;

    ByteKey(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ByteKey
                && ((ByteKey) other).hash == hash
                && Arrays.equals(((ByteKey) other).bytes, bytes);
    }
}
