package io.concurrentkvs.core.internal.server;

import java.nio.charset.StandardCharsets;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of the store's get/set/post/del over three keys (one inline in a word, one in two
 * words, one wrapped), in Lincheck's stress mode (real threads; the map is {@code java.util.concurrent},
 * so the interleavings that matter are in its internals). The sequential specification is the store
 * itself run one operation at a time; {@link ConcurrentStoreTest} pins those sequential semantics.
 */
@Param(name = "key", gen = IntGen.class, conf = "1:3")
@Param(name = "value", gen = IntGen.class, conf = "1:200")
public class ConcurrentStoreLincheckTest {
    private final ConcurrentStore store = new ConcurrentStore(2);

    private static final String[] KEYS = {"k1", "key-number-2", "the third key, longer than 16 bytes"};

    private static byte[] key(int key) {
        return KEYS[key - 1].getBytes(StandardCharsets.US_ASCII);
    }

    /** Values of different lengths. */
    private static byte[] value(int value) {
        return "v".repeat(value % 7 + 1).concat(Integer.toString(value)).getBytes(StandardCharsets.US_ASCII);
    }

    @Operation
    public String get(@Param(name = "key") int key) {
        byte[] value = store.get(key(key));
        return value == null ? null : new String(value, StandardCharsets.US_ASCII);
    }

    @Operation
    public void set(@Param(name = "key") int key, @Param(name = "value") int value) {
        store.set(key(key), value(value));
    }

    @Operation
    public boolean post(@Param(name = "key") int key, @Param(name = "value") int value) {
        return store.post(key(key), value(value));
    }

    @Operation
    public boolean del(@Param(name = "key") int key) {
        return store.del(key(key));
    }

    @Test
    void stress() {
        new StressOptions()
                .iterations(30)
                .invocationsPerIteration(1000)
                .threads(3)
                .actorsPerThread(3)
                .check(getClass());
    }
}
