package io.concurrentkvs.redis.internal;

import io.concurrentkvs.core.KvsException;
import io.concurrentkvs.core.KvsTimeoutException;
import io.concurrentkvs.core.KvsUnavailableException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisLoadingException;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns Lettuce's failures into the core's typed exceptions, by type, never by message: an error reply
 * of the server is a {@link KvsException} carrying it; a command cancelled or failed by the transport
 * (not connected, connection lost or closed, an {@link IOException} of the socket) is a
 * {@link KvsUnavailableException}. Stateless.
 */
final class RedisFailures {
    private RedisFailures() {}

    /** The exception a request for {@code what} on {@code target} fails with, given Lettuce's {@code error}. */
    static KvsException map(Throwable error, String what, String target) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof KvsException) {
            return (KvsException) e;
        }
        if (e instanceof RedisCommandTimeoutException) {
            return new KvsTimeoutException(what + " on " + target + " got no answer in time: " + e.getMessage());
        }
        if (e instanceof RedisLoadingException) {
            return new KvsUnavailableException(
                    what + " on " + target + ": Redis is loading its data set: " + e.getMessage(), e);
        }
        if (e instanceof RedisCommandExecutionException) {
            return new KvsException(what + " on " + target + " failed, Redis answered: " + e.getMessage(), e);
        }
        if (e instanceof RedisCommandInterruptedException) {
            return new KvsException(what + " on " + target + " was interrupted", e);
        }
        if (e instanceof CancellationException) {
            return new KvsUnavailableException(
                    what + " on " + target + " was cancelled: the connection was closed or lost", e);
        }
        if (e instanceof IOException) {
            // A command pending when the connection broke (reset, refused, closed channel).
            return new KvsUnavailableException(what + " on " + target + ": the connection was lost: " + e, e);
        }
        if (e instanceof io.lettuce.core.RedisException) {
            // Everything else Lettuce raises for a command is the transport: not connected, connection
            // refused, reset or closed while the command was pending.
            return new KvsUnavailableException(what + " on " + target + " failed: " + e.getMessage(), e);
        }
        return new KvsException(what + " on " + target + " failed: " + e, e);
    }

    /** The message of the innermost cause, which says what went wrong (refused, unknown host, ...). */
    static String rootMessage(Throwable error) {
        Throwable e = error;
        while (e.getCause() != null && e.getCause() != e) {
            e = e.getCause();
        }
        return e == error ? String.valueOf(error.getMessage()) : error.getMessage() + " (" + e + ")";
    }
}
