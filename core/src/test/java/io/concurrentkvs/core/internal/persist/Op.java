package io.concurrentkvs.core.internal.persist;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A record as tests write and read it: a SET (value non-null) or a DEL (value null). Immutable. */
final class Op {
    final byte[] key;
    final byte[] value;

    private Op(byte[] key, byte[] value) {
        this.key = key;
        this.value = value;
    }

    static Op set(byte[] key, byte[] value) {
        return new Op(key.clone(), value.clone());
    }

    static Op del(byte[] key) {
        return new Op(key.clone(), null);
    }

    boolean isSet() {
        return value != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Op && Arrays.equals(key, ((Op) o).key) && Arrays.equals(value, ((Op) o).value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return (isSet() ? "SET " : "DEL ") + key.length + "/" + (isSet() ? value.length : 0) + " "
                + Arrays.toString(Arrays.copyOf(key, Math.min(8, key.length)));
    }

    /** A visitor that copies every record it is given, in order. */
    static final class Collector implements RecordVisitor {
        final List<Op> ops = new ArrayList<>();

        @Override
        public void set(byte[] key, int keyLength, byte[] value, int valueLength) {
            ops.add(new Op(Arrays.copyOf(key, keyLength), Arrays.copyOf(value, valueLength)));
        }

        @Override
        public void del(byte[] key, int keyLength) {
            ops.add(new Op(Arrays.copyOf(key, keyLength), null));
        }
    }
}
