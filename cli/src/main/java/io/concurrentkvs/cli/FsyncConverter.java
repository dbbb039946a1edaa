package io.concurrentkvs.cli;

import io.concurrentkvs.core.FsyncPolicy;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses {@code --fsync}: {@code always}, {@code everysec} or {@code never} (Redis's {@code appendfsync}
 * words), or the {@link FsyncPolicy} names; case-insensitive. Stateless.
 */
final class FsyncConverter implements ITypeConverter<FsyncPolicy> {
    @Override
    public FsyncPolicy convert(String value) {
        switch (value.toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "always":
                return FsyncPolicy.ALWAYS;
            case "everysec":
            case "every_second":
                return FsyncPolicy.EVERY_SECOND;
            case "never":
            case "no":
                return FsyncPolicy.NEVER;
            default:
                throw new TypeConversionException(
                        "'" + value + "' is not an fsync policy: use always, everysec or never");
        }
    }

    /** The word this converter reads for {@code policy}. */
    static String word(FsyncPolicy policy) {
        switch (policy) {
            case ALWAYS:
                return "always";
            case EVERY_SECOND:
                return "everysec";
            default:
                return "never";
        }
    }

    /** The words {@code --help} offers. */
    static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("always", "everysec", "never").iterator();
        }
    }
}
