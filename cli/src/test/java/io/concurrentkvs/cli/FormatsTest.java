package io.concurrentkvs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link Formats#bytes} and {@link Formats#percent(double)}, as {@code kvs stats} prints store sizes. */
class FormatsTest {
    @ParameterizedTest
    @CsvSource({
        "0, 0 B",
        "1023, 1023 B",
        "1024, 1.0 KiB",
        "32768, 32.0 KiB",
        "1048524, 1023.9 KiB",
        "1048575, 1.0 MiB",
        "268435456, 256.0 MiB",
        "1610612736, 1.5 GiB",
        "9223372036854775807, 8.0 EiB"
    })
    void bytesUseBinaryUnits(long bytes, String text) {
        assertThat(Formats.bytes(bytes)).isEqualTo(text);
    }

    @ParameterizedTest
    @CsvSource({"0, 0.0%", "0.125, 12.5%", "1, 100.0%", "0.99949, 99.9%"})
    void percentOfAFraction(double fraction, String text) {
        assertThat(Formats.percent(fraction)).isEqualTo(text);
    }
}
