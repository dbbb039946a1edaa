package io.concurrentkvs.bench.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.concurrentkvs.bench.load.Keys;
import io.concurrentkvs.core.internal.store.SharedStore;
import io.concurrentkvs.core.internal.store.StoreGeometry;
import io.concurrentkvs.core.internal.store.StoreLayout;
import io.concurrentkvs.core.internal.store.StoreMemory;
import io.concurrentkvs.core.internal.store.StoreUsage;
import org.junit.jupiter.api.Test;

/** The churn harness on a small heap store: its own bookkeeping must match the store's, rejections included. */
class ChurnWorkloadTest {
    private static final StoreGeometry GEOMETRY =
            new StoreGeometry(4, 20_000, 2L << 20, StoreLayout.recordLength(16, 1024));

    private final SharedStore store = SharedStore.format("churn-test", StoreMemory.onHeap(GEOMETRY), 5, 0, 0);
    private final ChurnWorkload churn = new ChurnWorkload(store, 11, 1024);

    @Test
    void keepsLiveDataNearTheTargetAndAgreesWithTheStore() {
        long target = GEOMETRY.dataBytes() / 2;
        churn.configure(16, 1024, target);
        for (int i = 0; i < 30_000; i++) {
            churn.step();
        }
        StoreUsage u = store.usage();
        assertThat(u.entries()).isEqualTo(churn.liveEntries());
        assertThat(u.liveBytes()).isEqualTo(churn.liveBytes());
        // Near the target: inserts only below it, and there they outnumber deletes two to one.
        assertThat(churn.liveBytes()).isBetween(target - 20_000, target + 20_000);
        assertThat(churn.rejected()).isZero();
        for (int at = 0; at < churn.liveEntries(); at++) {
            long[] entry = churn.liveEntry(at);
            byte[] value = store.get(Keys.varKey(entry[0]));
            assertThat(value).as("key %d", entry[0]).isNotNull().hasSize((int) entry[1]);
        }
    }

    @Test
    void aTargetBeyondCapacityIsRejectedAndLeavesTheStoreConsistent() {
        churn.configure(512, 1024, GEOMETRY.dataBytes() * 2);
        for (int i = 0; i < 20_000; i++) {
            churn.step();
        }
        assertThat(churn.rejected()).isPositive();
        assertThat(churn.firstRejectionLiveBytes()).isPositive().isLessThanOrEqualTo(GEOMETRY.dataBytes());
        assertThat(churn.phaseLowestRejectionLiveBytes())
                .isPositive()
                .isLessThanOrEqualTo(churn.phaseFirstRejectionLiveBytes());
        StoreUsage u = store.usage();
        assertThat(u.entries()).isEqualTo(churn.liveEntries());
        assertThat(u.liveBytes()).isEqualTo(churn.liveBytes());
        assertThat(u.pageBytes()).isLessThanOrEqualTo(u.dataBytes());

        churn.configure(16, 64, 0); // the next phase starts with no rejection of its own
        assertThat(churn.phaseFirstRejectionLiveBytes()).isEqualTo(-1);
    }
}
