package io.concurrentkvs.it;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * Values that say which key and which write they belong to, so a reader can tell a value that was written
 * for a key from anything else: {@code <key>|<version>|<padding>|<crc>}, where the padding's length (0 to
 * {@value #MAX_PADDING} characters) and letters follow from the key and the version, and {@code crc} is
 * the CRC-32 of everything before it, in hex.
 *
 * <p>A value read back is {@linkplain #versionOf accepted} only if it is exactly the value of its version
 * for that key: a torn record (part old, part new), a value of another key, bytes a scribbler wrote, or a
 * shifted copy all fail. Versions are chosen by the writer (e.g. a counter), so a test that keeps the
 * versions it wrote can also tell whether a valid value is one it wrote. Stateless.
 */
public final class SelfDescribingValue {
    /** The longest padding: values span many size classes of the store, up to about 800 bytes. */
    public static final int MAX_PADDING = 700;

    private SelfDescribingValue() {}

    /** The value of write {@code version} of {@code key}; keys must not contain {@code '|'}. */
    public static String of(String key, long version) {
        SplittableRandom random = new SplittableRandom(key.hashCode() * 0x9E3779B97F4A7C15L + version);
        int length = random.nextInt(4) == 0 ? random.nextInt(MAX_PADDING + 1) : random.nextInt(48);
        StringBuilder body = new StringBuilder(key.length() + 32 + length)
                .append(key)
                .append('|')
                .append(version)
                .append('|');
        for (int i = 0; i < length; i++) {
            body.append((char) ('a' + random.nextInt(26)));
        }
        CRC32 crc = new CRC32();
        crc.update(body.toString().getBytes(StandardCharsets.UTF_8));
        return body.append('|').append(Long.toHexString(crc.getValue())).toString();
    }

    /** The version {@code value} is the value of for {@code key}, or -1 if it is not a value of {@code key}. */
    public static long versionOf(String key, String value) {
        if (!value.startsWith(key + "|")) {
            return -1;
        }
        int end = value.indexOf('|', key.length() + 1);
        if (end < 0) {
            return -1;
        }
        long version;
        try {
            version = Long.parseLong(value.substring(key.length() + 1, end));
        } catch (NumberFormatException e) {
            return -1;
        }
        return version >= 0 && of(key, version).equals(value) ? version : -1;
    }
}
