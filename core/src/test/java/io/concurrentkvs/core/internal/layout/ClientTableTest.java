package io.concurrentkvs.core.internal.layout;

import static org.assertj.core.api.Assertions.assertThat;

import io.concurrentkvs.core.internal.memory.HeapMemory;
import org.junit.jupiter.api.Test;

class ClientTableTest {
    private final ClientTable table = new ClientTable(new HeapMemory(3 * ClientTableDescriptor.ENTRY_SIZE), 3);

    private ClientTable.Registration registerActive() {
        ClientTable.Registration r = table.register(1234, 5, 6);
        assertThat(r).isNotNull();
        assertThat(table.activate(r)).isTrue();
        return r;
    }

    @Test
    void registersUntilFullThenReportsNull() {
        registerActive();
        registerActive();
        registerActive();
        assertThat(table.register(1, 1, 1)).isNull();
        assertThat(table.connectedCount()).isEqualTo(3);
    }

    @Test
    void everyClaimOfAnEntryHasANewGeneration() {
        ClientTable.Registration first = registerActive();
        assertThat(table.unregister(first)).isTrue();
        ClientTable.Registration second = registerActive();
        assertThat(second.index()).isEqualTo(first.index());
        assertThat(second.generation()).isGreaterThan(first.generation());
        assertThat(table.isActive(first.index(), first.generation())).isFalse();
        assertThat(table.isActive(second.index(), second.generation())).isTrue();
    }

    @Test
    void reclaimOnlySucceedsAgainstTheObservedStateWord() {
        ClientTable.Registration r = registerActive();
        long word = table.stateWord(r.index());
        assertThat(table.reclaim(r.index(), word)).isTrue();
        assertThat(table.reclaim(r.index(), word)).isFalse();
        assertThat(table.unregister(r)).isFalse();
        assertThat(table.connectedCount()).isZero();
    }

    @Test
    void recordsPidStartAndHeartbeat() {
        ClientTable.Registration r = registerActive();
        assertThat(table.pid(r.index())).isEqualTo(1234);
        assertThat(table.processStartMillis(r.index())).isEqualTo(5);
        table.heartbeat(r.index(), 99);
        assertThat(table.heartbeatOf(r.index())).isEqualTo(99);
    }

    @Test
    void outOfRangeIndicesAreNeverActive() {
        assertThat(table.isActive(-1, 1)).isFalse();
        assertThat(table.isActive(3, 1)).isFalse();
    }
}
