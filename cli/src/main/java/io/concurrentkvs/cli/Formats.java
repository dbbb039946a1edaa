package io.concurrentkvs.cli;

import java.time.Duration;
import java.util.Locale;

/** Number and duration formatting shared by the commands' output, locale-independent. Stateless. */
final class Formats {
    private Formats() {}

    /** A count with thousands separators: {@code 1,234,567}. */
    static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    /** A rate rounded to a whole number with separators, or {@code -} if unknown. */
    static String rate(double perSecond) {
        if (Double.isNaN(perSecond) || Double.isInfinite(perSecond)) {
            return "-";
        }
        return String.format(Locale.ROOT, "%,.0f", perSecond);
    }

    /** Nanoseconds as microseconds with one decimal: {@code 12.3}. */
    static String micros(long nanos) {
        return String.format(Locale.ROOT, "%,.1f", nanos / 1_000.0);
    }

    /** Percentage with one decimal of {@code part} in {@code whole}, or {@code -} if whole is zero. */
    static String percent(long part, long whole) {
        return whole == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
    }

    /** A fraction from 0 to 1 as a percentage with one decimal: {@code 12.5%}. */
    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", 100.0 * fraction);
    }

    /**
     * A size in bytes, in binary units with one decimal from a KiB on: {@code 312 B}, {@code 32.0 KiB},
     * {@code 256.0 MiB}, {@code 1.5 GiB}.
     */
    static String bytes(long bytes) {
        if (bytes < 1024 && bytes > -1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double value = bytes / 1024.0;
        int unit = 0;
        // 1023.95 and above would print as "1024.0": move to the next unit there instead.
        while (Math.abs(value) >= 1023.95 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /** Seconds with three decimals: {@code 2.351 s}. */
    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
    }

    /** A human duration: {@code 45 ms}, {@code 12.3 s}, {@code 3m 12s}, {@code 2h 05m}, {@code 3d 04h}. */
    static String duration(Duration d) {
        if (d.isNegative()) {
            return "-" + duration(d.negated());
        }
        long millis = d.toMillis();
        if (millis < 1_000) {
            return millis + " ms";
        }
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        long s = d.getSeconds();
        if (s < 3_600) {
            return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
        }
        if (s < 86_400) {
            return String.format(Locale.ROOT, "%dh %02dm", s / 3_600, (s % 3_600) / 60);
        }
        return String.format(Locale.ROOT, "%dd %02dh", s / 86_400, (s % 86_400) / 3_600);
    }
}
