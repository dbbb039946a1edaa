package io.concurrentkvs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

/** {@link SizeConverter} reads plain bytes and binary-unit sizes, and rejects anything else in one line. */
class SizeConverterTest {
    private final SizeConverter converter = new SizeConverter();

    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "1048576, 1048576",
        "512b, 512",
        "64k, 65536",
        "64K, 65536",
        "64kb, 65536",
        "64KiB, 65536",
        "256m, 268435456",
        "256 MiB, 268435456",
        "1g, 1073741824",
        "1.5g, 1610612736",
        "2t, 2199023255552",
        "0.5k, 512",
        "1.0001k, 1024",
        "' 8m ', 8388608"
    })
    void convertsSizes(String text, long bytes) {
        assertThat(converter.convert(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "m", "-1", "1x", "1kk", "1 gigabyte", "1.g", "0x10", "1e6"})
    void rejectsWhatIsNotASize(String text) {
        assertThatThrownBy(() -> converter.convert(text))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("is not a size")
                .hasMessageContaining("256m");
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775808", "8388608t", "99999999999999999999g"})
    void rejectsSizesBeyondALong(String text) {
        assertThatThrownBy(() -> converter.convert(text))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("too large");
    }
}
