package io.concurrentkvs.cli;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses byte sizes such as {@code 1048576}, {@code 64k}, {@code 256m}, {@code 1.5g} or {@code 2GiB}: a
 * number, then optionally {@code b}, or {@code k}, {@code m}, {@code g} or {@code t} (binary multiples:
 * {@code 1k} is 1024 bytes) with an optional {@code b} or {@code ib}; case-insensitive. A fraction of a byte
 * is dropped. The command's own checks decide which sizes are valid; this rejects only what is not a size.
 * Stateless.
 */
final class SizeConverter implements ITypeConverter<Long> {
    private static final Pattern FORMAT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(?:([kmgt])(?:i?b)?|b)?");
    private static final String EXAMPLES = "use e.g. 1048576, 64k, 256m or 1g";

    @Override
    public Long convert(String value) {
        Matcher m = FORMAT.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new TypeConversionException("'" + value + "' is not a size: " + EXAMPLES);
        }
        int shift = m.group(2) == null ? 0 : 10 * ("kmgt".indexOf(m.group(2).charAt(0)) + 1);
        BigDecimal bytes =
                new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(2).pow(shift));
        try {
            return bytes.toBigInteger().longValueExact();
        } catch (ArithmeticException tooLarge) {
            throw new TypeConversionException("'" + value + "' is too large: at most " + Long.MAX_VALUE + " bytes");
        }
    }
}
