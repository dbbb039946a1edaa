package io.concurrentkvs.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.concurrentkvs.core.internal.store.SharedStore;
import io.concurrentkvs.core.internal.store.StoreGeometry;
import io.concurrentkvs.core.internal.store.StoreLayout;
import io.concurrentkvs.core.internal.store.StoreMemory;
import org.junit.jupiter.api.Test;

/** The large run's sizing: the data area it computes holds the entries it is computed for, and not many more. */
class LargeStoreSizingTest {
    @Test
    void theComputedDataAreaHoldsEveryEntryAndOverwrites() {
        int entries = 40_000;
        int stripes = 16;
        int maxRecord = StoreLayout.recordLength(256, 4096);
        long maxData = LargeStoreBenchmark.maxDataBytes(
                entries, stripes, maxRecord, StoreLayout.recordLength(16, Keys.VALUE_BYTES));
        StoreGeometry geometry = new StoreGeometry(stripes, entries + entries / 20, maxData, maxRecord);
        SharedStore store = SharedStore.format("sizing", StoreMemory.onHeap(geometry), 3, 0, 0);
        byte[] value = Keys.value(1);
        for (int i = 0; i < entries; i++) {
            store.set(Keys.varKey(i), value);
        }
        for (int i = 0; i < entries; i += 7) {
            store.set(Keys.varKey(i), value); // an overwrite takes a new block before it frees the old one
        }
        assertThat(store.size()).isEqualTo(entries);
        // Tight: less than 3% beyond what the records' blocks fill, at this size (1% + 2 pages per segment).
        assertThat((double) store.usage().dataBytes() / store.usage().pageBytes())
                .isLessThan(1.03 + 2.0 * stripes * geometry.pageSize() / maxData);
    }
}
