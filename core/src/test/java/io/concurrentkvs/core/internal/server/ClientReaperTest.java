package io.concurrentkvs.core.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.concurrentkvs.core.internal.layout.ClientTable;
import io.concurrentkvs.core.internal.layout.ClientTableDescriptor;
import io.concurrentkvs.core.internal.memory.HeapMemory;
import io.concurrentkvs.core.internal.region.Processes;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ClientReaperTest {
    private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(10);
    private final HeapMemory memory = new HeapMemory(4 * ClientTableDescriptor.ENTRY_SIZE);
    private final ClientTable table = new ClientTable(memory, 4);
    private final ClientReaper reaper = new ClientReaper(table, TIMEOUT);

    @Test
    void anEntryStillRegisteringIsNotJudgedByItsNotYetWrittenPid() {
        // The window between a client's claim CAS and its pid write: pid still 0.
        memory.putLongVolatile(
                ClientTableDescriptor.STATE_WORD_OFFSET,
                ClientTableDescriptor.stateWord(1, ClientTableDescriptor.STATE_REGISTERING));
        reaper.scan(0);
        assertThat(table.connectedCount()).isEqualTo(1);
        reaper.scan(TIMEOUT + 1);
        assertThat(table.connectedCount())
                .as("stuck registrations are reaped by the timeout")
                .isZero();
    }

    @Test
    void anActiveEntryOfADeadProcessIsReclaimed() {
        ClientTable.Registration r = table.register(Integer.MAX_VALUE - 7, 1, 1); // no such pid
        table.activate(r);
        reaper.scan(0);
        assertThat(table.connectedCount()).isZero();
        assertThat(reaper.reclaimed()).isEqualTo(1);
    }

    @Test
    void anActiveEntryOfALiveProcessWithAMovingHeartbeatIsKept() {
        ClientTable.Registration r = table.register(Processes.currentPid(), Processes.currentStartMillis(), 1);
        table.activate(r);
        for (int i = 0; i < 20; i++) {
            table.heartbeat(r.index(), i + 2);
            reaper.scan(i * TIMEOUT / 2);
        }
        assertThat(table.isActive(r.index(), r.generation())).isTrue();
    }

    @Test
    void aFrozenClientIsReclaimedAfterTheClientTimeout() {
        ClientTable.Registration r = table.register(Processes.currentPid(), Processes.currentStartMillis(), 1);
        table.activate(r);
        reaper.scan(0);
        reaper.scan(TIMEOUT / 2);
        assertThat(table.isActive(r.index(), r.generation())).isTrue();
        reaper.scan(TIMEOUT + 1);
        assertThat(table.isActive(r.index(), r.generation())).isFalse();
    }
}
