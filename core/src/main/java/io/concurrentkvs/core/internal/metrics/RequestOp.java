package io.concurrentkvs.core.internal.metrics;

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
}
