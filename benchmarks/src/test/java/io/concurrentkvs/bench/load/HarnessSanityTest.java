package io.concurrentkvs.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Quick checks of the harness's own logic (no benchmark runs here). */
class HarnessSanityTest {
    @Test
    void variableKeysAreUniqueAndEightToSixteenBytes() {
        Set<ByteBuffer> seen = new HashSet<>();
        int[] lengths = new int[17];
        for (int i = 0; i < 200_000; i++) {
            byte[] key = Keys.key("var", i);
            assertThat(key.length).isBetween(8, 16);
            lengths[key.length]++;
            assertThat(seen.add(ByteBuffer.wrap(key))).isTrue();
        }
        for (int length = 8; length <= 16; length++) {
            assertThat(lengths[length]).as("keys of %d bytes", length).isGreaterThan(10_000);
        }
    }

    @Test
    void fixedKeysAreEightBytes() {
        assertThat(Keys.key("fixed8", 1)).hasSize(8).endsWith((byte) 1);
        assertThat(Keys.value(3)).hasSize(Keys.VALUE_BYTES);
    }

    @Test
    void measurementsSurviveTheTripAndAggregateAsSums() {
        Measurement a = new Measurement(1_000, 1_000_000_000L, 0, 5_000, 700_000, Measurement.newHistogram());
        a.latency().recordValue(1_200);
        a.latency().recordValue(90_000);
        Measurement copy = Measurement.decode(a.encode());
        assertThat(copy.ops()).isEqualTo(1_000);
        assertThat(copy.cpuNanos()).isEqualTo(700_000);
        assertThat(copy.latency().getTotalCount()).isEqualTo(2);
        assertThat(copy.latency().getMaxValue()).isBetween(89_900L, 90_100L);

        Measurement.Aggregate agg = Measurement.aggregate(List.of(a, copy));
        assertThat(agg.opsPerSecond()).isEqualTo(2_000.0);
        assertThat(agg.clientBytesPerOp()).isEqualTo(5.0);
        assertThat(agg.clientCpuNanosPerOp()).isEqualTo(700.0);
        assertThat(agg.latency().getTotalCount()).isEqualTo(4);
    }
}
