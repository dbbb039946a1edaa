package io.concurrentkvs.core.internal.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Memory}'s contract (bounds, orderings' values, atomicity, slices, byte layout), for every kind. */
class MemoryContractTest {
    private static final MemoryKinds KINDS = new MemoryKinds();

    static Stream<MemoryKinds.Kind> kinds() {
        return KINDS.all();
    }

    @AfterAll
    static void removeFiles() throws Exception {
        KINDS.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void accessesOutsideTheWindowThrowInsteadOfTouchingMemory(MemoryKinds.Kind kind) {
        Memory whole = kind.create().apply(64);
        whole.putLong(48, 0x1122_3344_5566_7788L);
        Memory memory = whole.slice(16, 32);
        assertThat(memory.capacity()).isEqualTo(32);
        assertThatThrownBy(() -> memory.getLong(32)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> memory.getLong(-8)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> memory.getLong(Long.MAX_VALUE)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> memory.putLong(32, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> memory.getInt(32)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> memory.compareAndSetLong(32, 0, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> memory.getAndAddLong(32, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> memory.compareAndSetInt(32, 0, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> memory.putIntRelease(-4, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> memory.putBytes(30, new byte[4], 0, 4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> memory.getBytes(0, new byte[4], 2, 4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> memory.getBytes(0, new byte[4], 0, Integer.MAX_VALUE))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> memory.setMemory(24, 9, (byte) 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> memory.setMemory(0, -1, (byte) 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> memory.slice(8, 32)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> memory.slice(8, 8).getLong(8)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(whole.getLong(48)).as("a refused write touched nothing").isEqualTo(0x1122_3344_5566_7788L);
        assertThat(whole.getLong(8)).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void everyAccessorReadsWhatTheOthersWrote(MemoryKinds.Kind kind) {
        Memory memory = kind.create().apply(64);
        memory.putLong(0, 1);
        assertThat(memory.getLongVolatile(0)).isEqualTo(1);
        memory.putLongRelease(8, 2);
        assertThat(memory.getLong(8)).isEqualTo(2);
        memory.putLongVolatile(16, -3);
        assertThat(memory.getLongAcquire(16)).isEqualTo(-3);
        memory.putInt(24, 4);
        assertThat(memory.getIntVolatile(24)).isEqualTo(4);
        memory.putIntRelease(28, -5);
        assertThat(memory.getIntAcquire(28)).isEqualTo(-5);
        memory.putIntVolatile(32, Integer.MIN_VALUE);
        assertThat(memory.getInt(32)).isEqualTo(Integer.MIN_VALUE);
        assertThat(memory.getInt(36)).as("the int beside it").isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void compareAndSetSucceedsOnlyOnTheExpectedValueAndGetAndAddReturnsThePrevious(MemoryKinds.Kind kind) {
        Memory memory = kind.create().apply(32);
        assertThat(memory.compareAndSetLong(8, 1, 2)).isFalse();
        assertThat(memory.getLong(8)).isZero();
        assertThat(memory.compareAndSetLong(8, 0, Long.MIN_VALUE)).isTrue();
        assertThat(memory.getLong(8)).isEqualTo(Long.MIN_VALUE);
        assertThat(memory.getAndAddLong(8, 5)).isEqualTo(Long.MIN_VALUE);
        assertThat(memory.getAndAddLong(8, -1)).isEqualTo(Long.MIN_VALUE + 5);
        assertThat(memory.getLong(8)).isEqualTo(Long.MIN_VALUE + 4);

        memory.putInt(16, 7);
        assertThat(memory.compareAndSetInt(20, 7, 8))
                .as("the neighbour holds 0, not 7")
                .isFalse();
        assertThat(memory.compareAndSetInt(16, 7, -8)).isTrue();
        assertThat(memory.getInt(16)).isEqualTo(-8);
        assertThat(memory.getInt(20)).isZero();
        assertThat(memory.getLong(0)).isZero();
        assertThat(memory.getLong(24)).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void concurrentAddsAndCompareAndSetsLoseNoUpdate(MemoryKinds.Kind kind) throws Exception {
        Memory memory = kind.create().apply(64);
        int threads = 4;
        int perThread = 20_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                awaitQuietly(start);
                for (int i = 0; i < perThread; i++) {
                    memory.getAndAddLong(0, 1);
                    long seen;
                    do {
                        seen = memory.getLongVolatile(8);
                    } while (!memory.compareAndSetLong(8, seen, seen + 2));
                    int seenInt;
                    do {
                        seenInt = memory.getIntVolatile(20);
                    } while (!memory.compareAndSetInt(20, seenInt, seenInt + 1));
                }
            });
            worker.start();
            workers.add(worker);
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        assertThat(memory.getLong(0)).isEqualTo((long) threads * perThread);
        assertThat(memory.getLong(8)).isEqualTo(2L * threads * perThread);
        assertThat(memory.getInt(20)).isEqualTo(threads * perThread);
        assertThat(memory.getInt(16)).as("the int beside the CAS-ed one").isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void narrowWritesDoNotClobberNeighbours(MemoryKinds.Kind kind) {
        Memory memory = kind.create().apply(16);
        memory.putLong(0, -1L);
        memory.putInt(4, 0x01020304);
        assertThat(memory.getInt(0)).isEqualTo(-1);
        assertThat(memory.getInt(4)).isEqualTo(0x01020304);
        memory.putBytes(1, new byte[] {9}, 0, 1);
        byte[] out = new byte[3];
        memory.getBytes(0, out, 0, 3);
        assertThat(out).containsExactly(-1, 9, -1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void slicesShareBytesWithLittleEndianLayout(MemoryKinds.Kind kind) {
        Memory memory = kind.create().apply(32);
        memory.slice(8, 8).putLong(0, 0x0807060504030201L);
        byte[] out = new byte[8];
        memory.getBytes(8, out, 0, 8);
        assertThat(out).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        memory.slice(16, 16).slice(8, 8).putInt(4, 0x0D0C0B0A);
        assertThat(memory.getInt(28)).isEqualTo(0x0D0C0B0A);
        memory.getBytes(28, out, 2, 4);
        assertThat(out).containsExactly(1, 2, 0x0A, 0x0B, 0x0C, 0x0D, 7, 8);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void bulkCopiesMoveExactlyTheRangeAskedFor(MemoryKinds.Kind kind) {
        Memory memory = kind.create().apply(10_000);
        byte[] src = new byte[9_000];
        for (int i = 0; i < src.length; i++) {
            src[i] = (byte) (i * 31 + 7);
        }
        memory.putBytes(3, src, 100, 8_001);
        byte[] dst = new byte[9_000];
        memory.getBytes(2, dst, 50, 8_003);
        assertThat(dst[50]).as("before the range").isZero();
        for (int i = 0; i < 8_001; i++) {
            assertThat(dst[51 + i]).isEqualTo(src[100 + i]);
        }
        assertThat(dst[51 + 8_001]).as("after the range").isZero();
        assertThat(dst[49]).as("before dstIndex").isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void setMemoryFillsExactlyTheRangeWithAnyValue(MemoryKinds.Kind kind) {
        Memory memory = kind.create().apply(10_000);
        memory.setMemory(0, 10_000, (byte) 0x5A);
        memory.setMemory(3, 9_001, (byte) 0); // longer than one bulk chunk of zeros, odd ends
        memory.setMemory(5, 13, (byte) 0xC3); // unaligned start and end around whole words
        memory.setMemory(9_004, 0, (byte) 1);
        byte[] out = new byte[10_000];
        memory.getBytes(0, out, 0, out.length);
        for (int i = 0; i < out.length; i++) {
            byte expected;
            if (i >= 5 && i < 18) {
                expected = (byte) 0xC3;
            } else if (i >= 3 && i < 9_004) {
                expected = 0;
            } else {
                expected = 0x5A;
            }
            assertThat(out[i]).as("byte %d", i).isEqualTo(expected);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
