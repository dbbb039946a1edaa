package io.concurrentkvs.core.internal.metrics;

import io.concurrentkvs.core.KvsCapacityException;
import io.concurrentkvs.core.KvsTimeoutException;
import io.concurrentkvs.core.KvsUnavailableException;
import java.util.concurrent.CancellationException;

/**
 * How one request ended, as metrics name it (the tag value is {@link #tag()}). Every request ends in
 * exactly one of these. Immutable.
 */
public enum RequestOutcome {
    /** A GET that found its key. */
    HIT("hit"),
    /** A GET that found no such key. */
    MISS("miss"),
    /**
     * A SET, POST or DEL the server answered: stored, inserted or removed, and also a POST that found its
     * key present or a DEL that found it absent (those are answers, not failures).
     */
    SUCCESS("success"),
    /** No answer within the request's timeout ({@link KvsTimeoutException}). */
    TIMEOUT("timeout"),
    /**
     * No live server, server stopping, stopped or gone, connection closed ({@link KvsUnavailableException}).
     */
    UNAVAILABLE("unavailable"),
    /**
     * The store was full, or the connection had too many requests waiting for a response slot
     * ({@link KvsCapacityException}).
     */
    CAPACITY("capacity"),
    /** The server's persistence log could not take the write (its disk is full); the write was not applied. */
    REFUSED("refused"),
    /** The caller cancelled the request's future. */
    CANCELLED("cancelled"),
    /** Any other failure: a malformed or corrupt answer, a codec that failed decoding, a bug. */
    ERROR("error");

    private final String tag;

    RequestOutcome(String tag) {
        this.tag = tag;
    }

    /** The lower-case name metrics use, e.g. {@code hit} or {@code timeout}. */
    public String tag() {
        return tag;
    }

    /** The outcome of a request that failed with {@code failure} (not with an answer's status). */
    public static RequestOutcome ofFailure(Throwable failure) {
        if (failure instanceof KvsTimeoutException) {
            return TIMEOUT;
        } else if (failure instanceof KvsUnavailableException) {
            return UNAVAILABLE;
        } else if (failure instanceof KvsCapacityException) {
            return CAPACITY;
        } else if (failure instanceof CancellationException) {
            return CANCELLED;
        }
        return ERROR;
    }
}
