package io.concurrentkvs.bench.jmh;

import java.util.HashMap;

/**
 * The C++ original's store design, kept as one of the baselines {@link StoreBenchmark} measures the
 * server's store against: {@code stripes} hash maps, each behind its own lock, the stripe chosen by the
 * key's hash.
 *
 * <p>The stripe comes from the hash's high bits (a Fibonacci multiply): the maps pick buckets from the
 * low bits, and choosing stripes from the same bits would leave each map using a sixteenth of its
 * table, with long chains turning into tree bins. Thread safety: all methods from any thread.
 */
final class StripedLockStore {
    private final Stripe[] stripes;
    private final int shift;

    StripedLockStore(int stripes) {
        if (Integer.bitCount(stripes) != 1) {
            throw new IllegalArgumentException("stripes must be a power of two: " + stripes);
        }
        this.stripes = new Stripe[stripes];
        for (int i = 0; i < stripes; i++) {
            this.stripes[i] = new Stripe();
        }
        this.shift = 32 - Integer.numberOfTrailingZeros(stripes);
    }

    private Stripe stripeOf(ByteKey key) {
        return stripes.length == 1 ? stripes[0] : stripes[(key.hashCode() * 0x9E3779B9) >>> shift];
    }

    byte[] get(byte[] key) {
        ByteKey k = new ByteKey(key);
        Stripe stripe = stripeOf(k);
        synchronized (stripe) {
            return stripe.map.get(k);
        }
    }

    void set(byte[] key, byte[] value) {
        ByteKey k = new ByteKey(key);
        Stripe stripe = stripeOf(k);
        synchronized (stripe) {
            stripe.map.put(k, value);
        }
    }

    private static final class Stripe {
        final HashMap<ByteKey, byte[]> map = new HashMap<>();
    }
}
