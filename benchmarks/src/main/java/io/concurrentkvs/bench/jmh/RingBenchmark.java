package io.concurrentkvs.bench.jmh;

import io.concurrentkvs.core.internal.memory.OffHeapMemory;
import io.concurrentkvs.core.internal.ring.RequestRing;
import io.concurrentkvs.core.internal.ring.RequestRingDescriptor;
import io.concurrentkvs.core.internal.ring.RingConsumer;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.core.UnsafeMemory;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The request ring over native memory, as the server and clients use it: claim, write a 16-byte key and
 * a 100-byte value, publish; poll, read, release.
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
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RingBenchmark {
    static final int CAPACITY = 4096;
    static final int SLOT = RequestRingDescriptor.slotSize(16, 100);

    /** One ring in native memory per benchmark group. */
    @State(Scope.Group)
    public static class Ring {
        long address;
        long length;
        RequestRing ring;

        @Setup(Level.Trial)
        public void setUp() {
            length = RequestRingDescriptor.length(CAPACITY, SLOT);
            address = UnsafeMemory.MEMORY.allocate(length);
            ring = new RequestRing(new OffHeapMemory(address, length, this), CAPACITY, SLOT);
            ring.initialize();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            UnsafeMemory.MEMORY.freeMemory(address, length);
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
        ring.memory().putInt(slot + RequestRingDescriptor.KEY_LENGTH_OFFSET, key.length);
        ring.memory().putInt(slot + RequestRingDescriptor.VALUE_LENGTH_OFFSET, value.length);
        ring.memory().putBytes(slot + RequestRingDescriptor.PAYLOAD_OFFSET, key, 0, key.length);
        ring.memory().putBytes(slot + RequestRingDescriptor.PAYLOAD_OFFSET + key.length, value, 0, value.length);
        return ring.publish(index);
    }

    static int take(RequestRing ring, Consumer c) {
        long index = c.consumer.poll();
        if (index == RingConsumer.EMPTY) {
            return -1;
        }
        long slot = ring.slotOffset(index);
        int keyLength = ring.memory().getInt(slot + RequestRingDescriptor.KEY_LENGTH_OFFSET);
        ring.memory().getBytes(slot + RequestRingDescriptor.PAYLOAD_OFFSET, c.key, 0, 16);
        ring.memory().getBytes(slot + RequestRingDescriptor.PAYLOAD_OFFSET + 16, c.value, 0, 100);
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
