package io.concurrentkvs.bench.jmh;

import io.concurrentkvs.core.internal.memory.MappedFiles;
import io.concurrentkvs.core.internal.memory.MemoryAccess;
import io.concurrentkvs.core.internal.ring.BatchFormat;
import io.concurrentkvs.core.internal.ring.Opcodes;
import io.concurrentkvs.core.internal.ring.RequestRing;
import io.concurrentkvs.core.internal.ring.RequestRingDescriptor;
import io.concurrentkvs.core.internal.ring.RingConsumer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The request ring over native memory with batches of one request: claim, write a record of a 16-byte
 * key and a 100-byte value and the batch header, publish; poll, read, release.
 *
 * <ul>
 *   <li>{@code single}: one thread offers then takes (the uncontended cost of the four CAS/ordered
 *       stores of a round trip).
 *   <li>{@code spsc}: one producer thread, one consumer thread (the cache-line ping-pong of a shared
 *       ring).
 *   <li>{@code contended}: two threads, each offering then taking, contending on both indices.
 * </ul>
 * A failed claim (ring full) or an empty poll counts as an operation too; compare within a group, and
 * expect two busy threads on a 2-core machine to be sensitive to anything else running.
 *
 * <p>The memory is {@link MappedFiles#allocateDirect}, so the JVM's {@link MemoryAccess} choice: pass
 * {@code -jvmArgsAppend -Dconcurrentkvs.memory=unsafe} or {@code =varhandle} to compare the two.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RingBenchmark {
    static final int CAPACITY = 4096;
    static final int SLOT = RequestRingDescriptor.slotSize(16, 100);

    /** One ring in native memory per benchmark group (freed by the GC). */
    @State(Scope.Group)
    public static class Ring {
        RequestRing ring;

        @Setup(Level.Trial)
        public void setUp() {
            int length = Math.toIntExact(RequestRingDescriptor.length(CAPACITY, SLOT));
            ring = new RequestRing(MappedFiles.allocateDirect(length), CAPACITY, SLOT);
            ring.initialize();
        }
    }

    /** Each consumer thread's own view, as in a server worker. */
    @State(Scope.Thread)
    public static class Consumer {
        RingConsumer consumer;
        final byte[] key = new byte[16];
        final byte[] value = new byte[100];

        @Setup(Level.Trial)
        public void setUp(Ring r) {
            consumer = new RingConsumer(r.ring, TimeUnit.SECONDS.toNanos(2), client -> true, System::nanoTime);
        }
    }

    static boolean offer(RequestRing ring, byte[] key, byte[] value) {
        long index = ring.claim(1);
        if (index == RequestRing.FULL) {
            return false;
        }
        long slot = ring.slotOffset(index);
        long end = BatchFormat.putRecord(
                ring.memory(), slot + RequestRingDescriptor.PAYLOAD_OFFSET, Opcodes.SET, key, value);
        BatchFormat.putHeader(ring.memory(), slot, 1, 1, 0, 1, end);
        BatchFormat.seal(ring.memory(), slot, index, ring.slotSize());
        return ring.publish(index);
    }

    static int take(RequestRing ring, Consumer c) {
        long index = c.consumer.poll();
        if (index == RingConsumer.EMPTY) {
            return -1;
        }
        long slot = ring.slotOffset(index);
        long record = slot + RequestRingDescriptor.PAYLOAD_OFFSET;
        int keyLength = ring.memory().getInt(record + RequestRingDescriptor.RECORD_KEY_LENGTH_OFFSET);
        ring.memory().getBytes(record + RequestRingDescriptor.RECORD_HEADER_LENGTH, c.key, 0, 16);
        ring.memory().getBytes(record + RequestRingDescriptor.RECORD_HEADER_LENGTH + 16, c.value, 0, 100);
        ring.release(index);
        return keyLength;
    }

    @Benchmark
    @Group("single")
    @GroupThreads(1)
    public int offerThenTake(Ring r, Consumer c) {
        offer(r.ring, c.key, c.value);
        return take(r.ring, c);
    }

    @Benchmark
    @Group("spsc")
    @GroupThreads(1)
    public boolean spscOffer(Ring r, Consumer c) {
        return offer(r.ring, c.key, c.value);
    }

    @Benchmark
    @Group("spsc")
    @GroupThreads(1)
    public int spscTake(Ring r, Consumer c) {
        return take(r.ring, c);
    }

    @Benchmark
    @Group("contended")
    @GroupThreads(2)
    public int contendedOfferThenTake(Ring r, Consumer c) {
        offer(r.ring, c.key, c.value);
        return take(r.ring, c);
    }
}
