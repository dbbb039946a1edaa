package io.concurrentkvs.it;

import io.concurrentkvs.core.internal.layout.ClientTable;
import io.concurrentkvs.core.internal.layout.RequestIds;
import io.concurrentkvs.core.internal.region.Processes;
import io.concurrentkvs.core.internal.region.Region;
import io.concurrentkvs.core.internal.ring.BatchFormat;
import io.concurrentkvs.core.internal.ring.Opcodes;
import io.concurrentkvs.core.internal.ring.RequestRing;
import io.concurrentkvs.core.internal.ring.RequestRingDescriptor;
import java.nio.file.Path;

/**
 * A client that dies between claiming a ring slot and publishing it: it registers in the client table
 * like a real client, claims a ring index, writes half a request (id and opcode, no lengths), prints
 * {@code CLAIMED index=<ring index> client=<table index>} and then holds the claim until it is killed
 * (or its input ends). The test kills it with {@code kill -9} at that point, which is the window the
 * real client passes through on every request.
 *
 * <p>Argument: {@code path} (the region file).
 */
public final class HalfWrittenSlotMain {
    private HalfWrittenSlotMain() {}

    public static void main(String[] argv) throws InterruptedException {
        Args args = Args.parse(argv);
        Region region = Region.attach(Path.of(args.string("path")));
        ClientTable table = region.clientTable();
        ClientTable.Registration registration =
                table.register(Processes.currentPid(), Processes.currentStartMillis(), System.currentTimeMillis());
        if (registration == null || !table.activate(registration)) {
            throw new IllegalStateException("cannot register in the client table");
        }
        RequestRing ring = region.ring();
        long index;
        while ((index = ring.claim(registration.index())) == RequestRing.FULL) {
            Thread.onSpinWait();
        }
        long slot = ring.slotOffset(index);
        // Half a batch: one record and a header, never published.
        long end = BatchFormat.putRecord(
                ring.memory(), slot + RequestRingDescriptor.PAYLOAD_OFFSET, Opcodes.SET, new byte[] {'h'}, new byte[] {
                    'v'
                });
        BatchFormat.putHeader(
                ring.memory(), slot, RequestIds.of(registration.generation(), 1), registration.index(), 0, 1, end);
        BatchFormat.seal(ring.memory(), slot, index, ring.slotSize());
        Stdin stdin = Stdin.start();
        Stdin.report("CLAIMED index=" + index + " client=" + registration.index());
        while (!stdin.next().equals(Stdin.EOF)) {
            // Holds the claim until killed; the end of input (test cleanup) lets it exit.
        }
        System.exit(0);
    }
}
