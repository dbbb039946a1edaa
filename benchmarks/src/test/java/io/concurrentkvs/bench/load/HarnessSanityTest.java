package io.concurrentkvs.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
    void variableKeysAreTheDecimalIndexAfterFiller() {
        for (long index : new long[] {
            0, 7, 9, 10, 99, 12_345, 99_999, 100_000, 9_999_999, 10_000_000, 10_499_999, 1_234_567_890_123L
        }) {
            String digits = Long.toString(index);
            String key = new String(Keys.varKey(index), StandardCharsets.US_ASCII);
            assertThat(key).startsWith("k").endsWith(digits);
            assertThat(key.substring(1, key.length() - digits.length())).matches("x*");
            assertThat(key.length()).isBetween(Math.max(8, digits.length() + 1), Math.max(16, digits.length() + 1));
        }
        // Pinned from the String-based version the key space was first built with: a loader and a client
        // built from different checkouts must still agree.
        assertThat(new String(Keys.varKey(0), StandardCharsets.US_ASCII)).isEqualTo("kxxxxxx0");
        assertThat(new String(Keys.varKey(10), StandardCharsets.US_ASCII)).isEqualTo("kxxxxxxx10");
        assertThat(new String(Keys.varKey(100_000), StandardCharsets.US_ASCII)).isEqualTo("kxxx100000");
        assertThat(new String(Keys.varKey(10_499_999), StandardCharsets.US_ASCII))
                .isEqualTo("kxxxx10499999");
        assertThatThrownBy(() -> Keys.varKey(-1)).isInstanceOf(IllegalArgumentException.class);
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
