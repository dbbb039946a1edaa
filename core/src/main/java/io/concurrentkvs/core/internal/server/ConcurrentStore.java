package io.concurrentkvs.core.internal.server;

import java.util.HashMap;

/**
 * The server's map of byte keys to byte values: {@code stripes} hash maps, each guarded by its own lock,
 * as in the original C++ store.
 *
 * <p>Every operation locks exactly one stripe, chosen by the key's hash, so workers contend only when
 * they touch the same stripe at the same moment. Values are stored as given and must not be modified
 * afterwards. Thread safety: all methods may be called from any thread.
 */
public final class StripedStore {
    private final Stripe[] stripes;

    public StripedStore(int stripes) {
        if (stripes < 1) {
            throw new IllegalArgumentException("stripes must be >= 1: " + stripes);
        }
        this.stripes = new Stripe[stripes];
        for (int i = 0; i < stripes; i++) {
            this.stripes[i] = new Stripe();
        }
    }

    private Stripe stripeOf(ByteKey key) {
        return stripes[Math.floorMod(key.spreadHash(), stripes.length)];
    }

    /** The value stored under {@code key}, or {@code null}. */
    public byte[] get(byte[] key) {
        ByteKey k = new ByteKey(key);
        Stripe stripe = stripeOf(k);
        synchronized (stripe) {
            return stripe.map.get(k);
        }
    }

    /** Inserts or replaces. */
    public void set(byte[] key, byte[] value) {
        ByteKey k = new ByteKey(key);
        Stripe stripe = stripeOf(k);
        synchronized (stripe) {
            stripe.map.put(k, value);
        }
    }

    /** Inserts only if absent; true if inserted. */
    public boolean post(byte[] key, byte[] value) {
        ByteKey k = new ByteKey(key);
        Stripe stripe = stripeOf(k);
        synchronized (stripe) {
            return stripe.map.putIfAbsent(k, value) == null;
        }
    }

    /** Removes; true if the key was present. */
    public boolean del(byte[] key) {
        ByteKey k = new ByteKey(key);
        Stripe stripe = stripeOf(k);
        synchronized (stripe) {
            return stripe.map.remove(k) != null;
        }
    }

    /** Number of entries; exact when no operation runs concurrently. */
    public long size() {
        long size = 0;
        for (Stripe stripe : stripes) {
            synchronized (stripe) {
                size += stripe.map.size();
            }
        }
        return size;
    }

    public int stripes() {
        return stripes.length;
    }

    private static final class Stripe {
        final HashMap<ByteKey, byte[]> map = new HashMap<>();
    }
}
