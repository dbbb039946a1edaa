package io.concurrentkvs.jcstress;

import static io.concurrentkvs.core.internal.ring.RequestRingDescriptor.*;

import io.concurrentkvs.core.internal.memory.MappedFiles;
import io.concurrentkvs.core.internal.memory.Memory;
import io.concurrentkvs.core.internal.ring.BatchFormat;
import io.concurrentkvs.core.internal.ring.Opcodes;
import io.concurrentkvs.core.internal.ring.RequestRing;
import io.concurrentkvs.core.internal.ring.RequestRingDescriptor;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * Builds the small rings the jcstress tests race on, and writes and checks the batches they carry,
 * through core's public API only (the same calls the client and the server make).
 *
 * <p>Each ring lives in its own private direct buffer ({@code MappedFiles.allocateDirect}), so it uses the
 * Memory the real region uses on this Java and its orderings, without a region file: Chronicle's {@code
 * OffHeapMemory} on Java 17-23, the VarHandle {@code ByteBufferMemory} on 24+ (so the Java 25 pass checks
 * that path). A batch carries one SET record whose key
 * and value bytes all equal a <em>tag</em>, so a reader can tell one writer's whole batch from an old,
 * partial or mixed one.
 *
 * <p>Thread safety: the static methods are stateless; the caller owns the slot it writes, or reads only
 * what it took from the ring.
 */
final class Rings {
    static {
        // The forked test VMs of Java 17-23 load Chronicle Core through OffHeapMemory; never let it report
        // analytics.
        if (System.getProperty("chronicle.analytics.disable") == null) {
            System.setProperty("chronicle.analytics.disable", "true");
        }
    }

    static final int KEY_BYTES = 8;
    static final int VALUE_BYTES = 24;
    static final int SLOT_SIZE = RequestRingDescriptor.slotSize(KEY_BYTES, VALUE_BYTES);
    /** The stall timeout of every test consumer; only a fake clock ever measures it. */
    static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** Returned by {@link #tagOf} for a batch whose bytes are not all one writer's. */
    static final int MIXED = -1;

    private Rings() {}

    /** A fresh, initialised ring of {@code capacity} slots in private off-heap memory. */
    static RequestRing newRing(int capacity) {
        Memory memory = MappedFiles.allocateDirect((int) RequestRingDescriptor.length(capacity, SLOT_SIZE));
        RequestRing ring = new RequestRing(memory, capacity, SLOT_SIZE);
        ring.initialize();
        return ring;
    }

    /** Writes and seals, for ring index {@code index}, a batch of client {@code client} tagged {@code tag}. */
    static void writeBatch(RequestRing ring, long index, int client, byte tag) {
        Memory m = ring.memory();
        long slot = ring.slotOffset(index);
        byte[] key = filled(KEY_BYTES, tag);
        byte[] value = filled(VALUE_BYTES, tag);
        long end = BatchFormat.putRecord(m, slot + PAYLOAD_OFFSET, Opcodes.SET, key, value);
        BatchFormat.putHeader(m, slot, tag, client, 0, 1, end);
        BatchFormat.seal(m, slot, index, SLOT_SIZE);
    }

    /**
     * What a worker that took {@code index} reads: copies the slot, checks the seal, and returns the tag
     * of the copy, {@link #MIXED} if its bytes are not all one tag, or 0 if the seal does not match.
     */
    static int readBatch(RequestRing ring, long index) {
        byte[] copy = new byte[SLOT_SIZE];
        if (!BatchFormat.copyIfSealed(ring.memory(), ring.slotOffset(index), index, SLOT_SIZE, copy, new CRC32C())) {
            return 0;
        }
        return tagOf(copy);
    }

    /** The one tag every key and value byte (and the batch id) of the copied batch carries, or {@link #MIXED}. */
    static int tagOf(byte[] copy) {
        int record = PAYLOAD_OFFSET;
        if (BatchFormat.intAt(copy, record + RECORD_KEY_LENGTH_OFFSET) != KEY_BYTES
                || BatchFormat.intAt(copy, record + RECORD_VALUE_LENGTH_OFFSET) != VALUE_BYTES) {
            return MIXED;
        }
        byte tag = copy[record + RECORD_HEADER_LENGTH];
        for (int i = 0; i < KEY_BYTES + VALUE_BYTES; i++) {
            if (copy[record + RECORD_HEADER_LENGTH + i] != tag) {
                return MIXED;
            }
        }
        if (copy[BATCH_ID_OFFSET] != tag) {
            return MIXED;
        }
        return tag;
    }

    /** The ring's consumer index (a volatile read of the shared word). */
    static long consumerIndex(RequestRing ring) {
        return ring.memory().getLongVolatile(CONSUMER_INDEX_OFFSET);
    }

    /** The ring's producer index (a volatile read of the shared word). */
    static long producerIndex(RequestRing ring) {
        return ring.memory().getLongVolatile(PRODUCER_INDEX_OFFSET);
    }

    /** The sequence word of the slot ring index {@code index} uses (a volatile read). */
    static long sequence(RequestRing ring, long index) {
        return ring.memory().getLongVolatile(ring.slotOffset(index) + SEQUENCE_OFFSET);
    }

    private static byte[] filled(int length, byte tag) {
        byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, tag);
        return bytes;
    }
}
