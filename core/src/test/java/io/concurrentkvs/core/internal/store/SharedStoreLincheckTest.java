package io.concurrentkvs.core.internal.store;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of the shared table against a {@link HashMap}, over heap memory, in both Lincheck modes.
 * One segment of 16 slots and four keys, so that every operation contends on one lock and one sequence
 * word; the hash seed {@value #SEED} gives keys 0, 1 and 2 the same home slot and key 3 the next one, so
 * they form one probe run and deletes shift entries back while lock-free readers probe it.
 */
@Param(name = "key", gen = IntGen.class, conf = "0:3")
@Param(name = "value", gen = IntGen.class, conf = "0:9")
public class SharedStoreLincheckTest {
    static final long SEED = 14729;
    private final SharedStore store;

    public SharedStoreLincheckTest() {
        StoreGeometry g = new StoreGeometry(1, 8, StoreGeometry.MIN_PAGE_SIZE, StoreLayout.recordLength(8, 8));
        store = SharedStore.format("lincheck", StoreMemory.onHeap(g), SEED, 0, 0);
    }

    private static byte[] key(int key) {
        return new byte[] {'k', (byte) key};
    }

    private static byte[] value(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }

    @Operation
    public Integer get(@Param(name = "key") int key) {
        byte[] found = store.get(key(key));
        return found == null ? null : ByteBuffer.wrap(found).getInt();
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
    void modelChecking() {
        new ModelCheckingOptions()
                .iterations(20)
                .invocationsPerIteration(200)
                .threads(2)
                .actorsPerThread(3)
                .sequentialSpecification(Model.class)
                .check(getClass());
    }

    @Test
    void stress() {
        new StressOptions()
                .iterations(20)
                .invocationsPerIteration(500)
                .threads(3)
                .actorsPerThread(4)
                .sequentialSpecification(Model.class)
                .check(getClass());
    }

    /** The sequential specification. */
    public static final class Model {
        private final Map<Integer, Integer> map = new HashMap<>();

        public Integer get(int key) {
            return map.get(key);
        }

        public void set(int key, int value) {
            map.put(key, value);
        }

        public boolean post(int key, int value) {
            return map.putIfAbsent(key, value) == null;
        }

        public boolean del(int key) {
            return map.remove(key) != null;
        }
    }
}
