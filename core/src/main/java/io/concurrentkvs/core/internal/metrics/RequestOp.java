package io.concurrentkvs.core.internal.metrics;

import io.concurrentkvs.core.internal.ring.Opcodes;

/** The operation of one request, as metrics name it: the tag value is {@link #tag()}. Immutable. */
public enum RequestOp {
    GET("get"),
    SET("set"),
    POST("post"),
    DEL("del");

    private final String tag;

    RequestOp(String tag) {
        this.tag = tag;
    }

    /** The lower-case name metrics use: {@code get}, {@code set}, {@code post} or {@code del}. */
    public String tag() {
        return tag;
    }

    /** The op of a request with this protocol opcode (every opcode a view sends: GET, SET, POST, DEL). */
    public static RequestOp ofOpcode(int opcode) {
        switch (opcode) {
            case Opcodes.GET:
                return GET;
            case Opcodes.SET:
                return SET;
            case Opcodes.POST:
                return POST;
            case Opcodes.DEL:
                return DEL;
            default:
                throw new IllegalArgumentException("no request op for opcode " + opcode);
        }
    }
}
