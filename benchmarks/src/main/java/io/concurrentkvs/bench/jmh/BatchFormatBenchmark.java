package io.concurrentkvs.bench.jmh;

import io.concurrentkvs.core.internal.layout.AnswerSeal;
import io.concurrentkvs.core.internal.layout.ResponseSlotDescriptor;
import io.concurrentkvs.core.internal.layout.ResponseSlots;
import io.concurrentkvs.core.internal.layout.ResponseStatus;
import io.concurrentkvs.core.internal.memory.MappedFiles;
import io.concurrentkvs.core.internal.memory.Memory;
import io.concurrentkvs.core.internal.memory.MemoryAccess;
import io.concurrentkvs.core.internal.ring.BatchFormat;
import io.concurrentkvs.core.internal.ring.Opcodes;
import io.concurrentkvs.core.internal.ring.RequestRingDescriptor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The batch format's own cost per request, in one thread over native memory (no ring, no second
 * thread): {@code encodeBatch} writes a batch of {@value #BATCH} GET records of 12-byte keys and its
 * header, as the client's dispatcher does; {@code readAnswers} reads a run of {@value #BATCH} FOUND
 * answers of 100-byte values, as the client completes a batch (one value array per answer is the
 * answer itself). Run with {@code -prof gc} for the allocation per request. The memory is {@link
 * MappedFiles#allocateDirect}, so the JVM's {@link MemoryAccess} choice ({@code -jvmArgsAppend
 * -Dconcurrentkvs.memory=unsafe} or {@code =varhandle} to compare).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class BatchFormatBenchmark {
    static final int BATCH = 64;
    static final int MAX_KEY = 256;
    static final int MAX_VALUE = 4096;

    private final byte[] key = "kxxxx0000042".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private final byte[] value = new byte[100];
    private Memory slot;
    private ResponseSlots responses;

    @Setup(Level.Trial)
    public void setUp() {
        slot = MappedFiles.allocateDirect(RequestRingDescriptor.slotSize(MAX_KEY, MAX_VALUE));
        int responseSlot = ResponseSlotDescriptor.slotSize(MAX_VALUE);
        responses =
                new ResponseSlots(MappedFiles.allocateDirect(BATCH * responseSlot), 1, BATCH, responseSlot, MAX_VALUE);
        responses.arm(0, 0, 1);
        AnswerSeal seal = new AnswerSeal();
        responses.beginAnswer(0, 0, 1, seal);
        long at = responses.firstAnswer(0, 0);
        for (int i = 0; i < BATCH; i++) {
            at = responses.putAnswer(0, 0, BATCH, at, ResponseStatus.FOUND, value, seal);
        }
        responses.publishAnswers(0, 0, 1, BATCH, at, seal);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long encodeBatch() {
        long at = RequestRingDescriptor.PAYLOAD_OFFSET;
        for (int i = 0; i < BATCH; i++) {
            at = BatchFormat.putRecord(slot, at, Opcodes.GET, key, null);
        }
        BatchFormat.putHeader(slot, 0, 42, 0, 0, BATCH, at);
        return at;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public boolean readAnswers(Blackhole bh) {
        boolean read = responses.readAnswers(0, 0, 1, BATCH, (i, status, answer) -> bh.consume(answer));
        if (!read) {
            throw new IllegalStateException("the benchmark's run does not hold its answers");
        }
        return read;
    }
}
