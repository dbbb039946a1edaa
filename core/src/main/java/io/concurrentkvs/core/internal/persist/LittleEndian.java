package io.concurrentkvs.core.internal.persist;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Little-endian int and long access to byte arrays at any offset (bounds-checked by the VarHandles). Stateless. */
final class LittleEndian {
    private LittleEndian() {}

    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    static int getInt(byte[] b, int at) {
        return (int) INTS.get(b, at);
    }

    static long getLong(byte[] b, int at) {
        return (long) LONGS.get(b, at);
    }

    static void putInt(byte[] b, int at, int v) {
        INTS.set(b, at, v);
    }

    static void putLong(byte[] b, int at, long v) {
        LONGS.set(b, at, v);
    }
}
