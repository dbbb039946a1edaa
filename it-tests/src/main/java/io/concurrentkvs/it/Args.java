package io.concurrentkvs.it;

import java.util.HashMap;
import java.util.Map;

/**
 * Command-line arguments of the child programs, as {@code --name=value} pairs. Immutable; a missing
 * required argument or a malformed one fails at once with a message naming it.
 */
public final class Args {
    private final Map<String, String> values = new HashMap<>();

    private Args(String[] args) {
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 3) {
                throw new IllegalArgumentException("expected --name=value, got '" + arg + "'");
            }
            values.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
    }

    public static Args parse(String[] args) {
        return new Args(args);
    }

    /** Formats one argument for a child's command line. */
    public static String of(String name, Object value) {
        return "--" + name + "=" + value;
    }

    public String string(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing argument --" + name);
        }
        return value;
    }

    public String string(String name, String defaultValue) {
        return values.getOrDefault(name, defaultValue);
    }

    public int integer(String name, int defaultValue) {
        return values.containsKey(name) ? Integer.parseInt(values.get(name)) : defaultValue;
    }

    public long longValue(String name, long defaultValue) {
        return values.containsKey(name) ? Long.parseLong(values.get(name)) : defaultValue;
    }
}
