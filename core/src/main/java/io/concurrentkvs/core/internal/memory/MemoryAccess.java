package io.concurrentkvs.core.internal.memory;

/**
 * Chooses, once per JVM, how native memory is accessed: the one place that decides between
 * {@link UnsafeBackend} and {@link VarHandleBackend}.
 *
 * <p>By default Java 17-23 use Chronicle Core's {@code UnsafeMemory} (measured fastest there) and Java 24+,
 * which warns about {@code sun.misc.Unsafe}'s memory methods (JEP 471/498), use VarHandles over the buffer;
 * on 24+ no class that uses {@code sun.misc.Unsafe} or Chronicle Core is even loaded. The system property
 * {@value #PROPERTY} ({@value #UNSAFE} or {@value #VARHANDLE}) overrides the choice, for tests and
 * benchmarks that compare the two; any other value makes every mapping and allocation fail with an
 * {@link IllegalArgumentException} naming it. Thread-safe (class initialisation).
 */
public final class MemoryAccess {
    /** The system property that overrides the choice: {@value #UNSAFE} or {@value #VARHANDLE}. */
    public static final String PROPERTY = "concurrentkvs.memory";
    /** {@link #PROPERTY}'s value for Chronicle Core's {@code UnsafeMemory}. */
    public static final String UNSAFE = "unsafe";
    /** {@link #PROPERTY}'s value for VarHandles over the buffer. */
    public static final String VARHANDLE = "varhandle";
    /** The first Java release that uses VarHandles by default. */
    public static final int VARHANDLE_DEFAULT_FROM_RELEASE = 24;

    private MemoryAccess() {}

    /**
     * The backend of this JVM, chosen on first use (the holder idiom keeps the choice lazy and once). A bad
     * property value is kept and thrown at each use, rather than as an {@link ExceptionInInitializerError}.
     */
    private static final class Chosen {
        static final MemoryBackend BACKEND;
        static final IllegalArgumentException PROBLEM;

        static {
            MemoryBackend backend = null;
            IllegalArgumentException problem = null;
            try {
                backend = choose(System.getProperty(PROPERTY), Runtime.version().feature());
            } catch (IllegalArgumentException e) {
                problem = e;
            }
            BACKEND = backend;
            PROBLEM = problem;
        }
    }

    static MemoryBackend backend() {
        MemoryBackend backend = Chosen.BACKEND;
        if (backend == null) {
            throw new IllegalArgumentException(Chosen.PROBLEM.getMessage(), Chosen.PROBLEM);
        }
        return backend;
    }

    /** The name of this JVM's choice, {@value #UNSAFE} or {@value #VARHANDLE} (for logs and tests). */
    public static String name() {
        return backend().name();
    }

    private static MemoryBackend choose(String forced, int feature) {
        String name = defaultOrForced(forced, feature);
        return name.equals(UNSAFE) ? UnsafeBackend.create() : VarHandleBackend.create();
    }

    /** The backend name for {@code forced} (the property, or null) on Java {@code feature}. */
    static String defaultOrForced(String forced, int feature) {
        if (forced == null || forced.isEmpty()) {
            return feature >= VARHANDLE_DEFAULT_FROM_RELEASE ? VARHANDLE : UNSAFE;
        }
        if (forced.equals(UNSAFE) || forced.equals(VARHANDLE)) {
            return forced;
        }
        throw new IllegalArgumentException(
                "system property " + PROPERTY + " must be " + UNSAFE + " or " + VARHANDLE + ", not '" + forced + "'");
    }
}
