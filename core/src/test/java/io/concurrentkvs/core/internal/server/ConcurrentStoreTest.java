package io.concurrentkvs.core.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ConcurrentStoreTest {
    private final ConcurrentStore store = new ConcurrentStore(4);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void setGetPostDelFollowTheOriginalSemantics() {
        assertThat(store.get(bytes("k"))).isNull();
        assertThat(store.post(bytes("k"), bytes("first"))).isTrue();
        assertThat(store.post(bytes("k"), bytes("second"))).isFalse();
        assertThat(store.get(bytes("k"))).isEqualTo(bytes("first"));
        store.set(bytes("k"), bytes("third"));
        assertThat(store.get(bytes("k"))).isEqualTo(bytes("third"));
        assertThat(store.del(bytes("k"))).isTrue();
        assertThat(store.del(bytes("k"))).isFalse();
        assertThat(store.get(bytes("k"))).isNull();
        assertThat(store.size()).isZero();
    }

    @Test
    void keysDifferingOnlyInLengthOrLastByteAreDistinct() {
        store.set(bytes("ab"), bytes("1"));
        store.set(bytes("abc"), bytes("2"));
        store.set(bytes("abd"), bytes("3"));
        store.set(new byte[0], bytes("empty key"));
        assertThat(store.get(bytes("ab"))).isEqualTo(bytes("1"));
        assertThat(store.get(bytes("abc"))).isEqualTo(bytes("2"));
        assertThat(store.get(bytes("abd"))).isEqualTo(bytes("3"));
        assertThat(store.get(new byte[0])).isEqualTo(bytes("empty key"));
        assertThat(store.get(bytes("a"))).isNull();
        assertThat(store.size()).isEqualTo(4);
    }

    @Test
    void emptyValuesAndReplacementsWithOtherLengthsKeepOneEntry() {
        store.set(bytes("k"), new byte[0]);
        assertThat(store.get(bytes("k"))).isEmpty();
        store.set(bytes("k"), new byte[300]);
        assertThat(store.get(bytes("k"))).hasSize(300);
        store.set(bytes("k"), bytes("x"));
        assertThat(store.size()).isEqualTo(1);
        assertThat(store.get(bytes("k"))).isEqualTo(bytes("x"));
    }

    /**
     * Keys of every length around the inline limits (8 and 16 bytes), including zero bytes that an
     * inline word pads with: each is found by an equal copy, and none is confused with a key that
     * differs in one byte or only in length.
     */
    @Test
    void keysOfEveryLengthAroundTheInlineLimitsAreFoundAndKeptApart() {
        for (int length = 0; length <= 40; length++) {
            for (byte fill : new byte[] {0, 'a', (byte) 0xFF}) {
                byte[] key = new byte[length];
                Arrays.fill(key, fill);
                store.set(key, new byte[] {(byte) length, fill});
            }
        }
        // The empty key is one key whatever the fill: the last write won.
        assertThat(store.get(new byte[0])).containsExactly((byte) 0, (byte) 0xFF);
        for (int length = 1; length <= 40; length++) {
            for (byte fill : new byte[] {0, 'a', (byte) 0xFF}) {
                byte[] key = new byte[length];
                Arrays.fill(key, fill);
                assertThat(store.get(key)).as("length %d fill %d", length, fill).containsExactly((byte) length, fill);
                byte[] other = key.clone();
                other[length - 1] ^= 1;
                assertThat(store.get(other)).as("one byte off, length %d", length)
                        .isNotEqualTo(new byte[] {(byte) length, fill});
            }
        }
        assertThat(store.size()).isEqualTo(1 + 40 * 3);
    }

    @Test
    void keysDifferingInEveryBytePositionOfTheInlineWordsAreDistinct() {
        byte[] base = bytes("0123456789abcdef");
        for (int length = 1; length <= base.length; length++) {
            byte[] key = Arrays.copyOf(base, length);
            store.set(key, new byte[] {(byte) length});
            for (int i = 0; i < length; i++) {
                byte[] changed = key.clone();
                changed[i] = (byte) (changed[i] + 1);
                assertThat(store.get(changed)).as("length %d, byte %d changed", length, i).isNull();
            }
            assertThat(store.get(Arrays.copyOf(base, length))).containsExactly((byte) length);
        }
    }

    @Test
    void stripesMustBePositive() {
        assertThatThrownBy(() -> new ConcurrentStore(0)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Writers replace values of a few keys (short, inline and wrapped) with arrays of one repeated byte
     * whose length is that byte, while readers check that every value they see is one whole write.
     */
    @Test
    void readersSeeEveryValueWholeWhileWritersReplaceIt() throws Exception {
        byte[][] keys = {bytes("a"), bytes("twelve bytes"), bytes("a key of more than sixteen bytes")};
        for (byte[] key : keys) {
            store.set(key, valueOf((byte) 1));
        }
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        try {
            Future<?>[] writers = new Future<?>[2];
            for (int w = 0; w < writers.length; w++) {
                int seed = w;
                writers[w] = pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 200_000; i++) {
                        store.set(keys[(i + seed) % keys.length].clone(), valueOf((byte) (1 + (i % 100))));
                    }
                    return null;
                });
            }
            Future<?>[] readers = new Future<?>[2];
            for (int r = 0; r < readers.length; r++) {
                readers[r] = pool.submit(() -> {
                    start.await();
                    long checked = 0;
                    while (!stop.get() || checked == 0) {
                        for (byte[] key : keys) {
                            byte[] value = store.get(key.clone());
                            assertThat(value).isEqualTo(valueOf(value[0]));
                            checked++;
                        }
                    }
                    return checked;
                });
            }
            start.countDown();
            for (Future<?> w : writers) {
                w.get(60, TimeUnit.SECONDS);
            }
            stop.set(true);
            for (Future<?> r : readers) {
                assertThat((Long) r.get(60, TimeUnit.SECONDS)).isPositive();
            }
            assertThat(store.size()).isEqualTo(keys.length);
        } finally {
            pool.shutdownNow();
        }
    }

    /** A value whose every byte is {@code b} and whose length is {@code b} (1..100). */
    private static byte[] valueOf(byte b) {
        byte[] value = new byte[b];
        Arrays.fill(value, b);
        return value;
    }
}
