package io.concurrentkvs.core.internal.backend;

import io.concurrentkvs.core.ConnectionOptions;
import io.concurrentkvs.core.internal.client.ResponseDecoder;
import io.concurrentkvs.core.internal.metrics.RequestListeners;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * What a {@code KvsConnection} sends requests through: the shared-memory client engine, or a backend
 * found through {@link KvsBackendProvider} (Redis). Every client view goes through
 * {@code AsyncKvsClient}, which calls only this interface, so no view can tell which backend it has.
 *
 * <p>The request vocabulary is the shared-memory protocol's: an opcode of
 * {@link io.concurrentkvs.core.internal.ring.Opcodes} ({@code GET}, {@code SET}, {@code POST},
 * {@code DEL}) and, for the answer, a status of {@link io.concurrentkvs.core.internal.layout.ResponseStatus}
 * ({@code FOUND}/{@code ABSENT} for get, {@code TRUE}/{@code FALSE} for the others) handed with the
 * answer's bytes to the request's {@link ResponseDecoder}. A backend translates both ways; it never
 * decodes keys or values itself.
 *
 * <p>Failures: the future of {@link #submit} fails with {@link io.concurrentkvs.core.KvsTimeoutException}
 * (no answer within the request's timeout), {@link io.concurrentkvs.core.KvsUnavailableException} (no
 * live server, lost connection, closed backend), {@link io.concurrentkvs.core.KvsCapacityException} (a
 * bounded queue is full), or another {@link io.concurrentkvs.core.KvsException}; never with a silent
 * {@code false}.
 *
 * <p>Thread safety: implementations are thread-safe; {@link #submit} is called from any thread and must
 * not block.
 */
public interface KvsBackend extends AutoCloseable {
    /** What the connection is to: the store name, or a backend's address without credentials. */
    String name();

    /**
     * The region file of a shared-memory backend.
     *
     * @throws UnsupportedOperationException for a backend without one
     */
    Path path();

    /** The options the backend was opened with. */
    ConnectionOptions options();

    /** Largest encoded key the backend accepts. */
    int maxKeyBytes();

    /** Largest encoded value the backend accepts. */
    int maxValueBytes();

    /** Whether the backend can serve requests right now. */
    boolean isConnected();

    /** Requests sent and not yet answered, timed out or cancelled (a backend may approximate). */
    int inFlight();

    /**
     * Sends one request without blocking. The key and value are already encoded and within the limits.
     *
     * @param opcode one of {@code Opcodes.GET}, {@code SET}, {@code POST}, {@code DEL}
     * @param value the value of a {@code SET} or {@code POST}, null otherwise
     * @param timeoutNanos positive: the future fails with {@code KvsTimeoutException} if no answer came by then
     * @return a future that completes with the decoder's result, or exceptionally as the class says
     */
    <T> CompletableFuture<T> submit(
            int opcode, byte[] key, byte[] value, ResponseDecoder<T> decoder, long timeoutNanos);

    /**
     * The listeners told of every request of this connection once, as it completes, with its op, outcome
     * and duration (kvs-micrometer's client binder is one). Never null.
     */
    RequestListeners requestListeners();

    /** Fails pending requests and releases every resource (threads, mappings, sockets). Idempotent. */
    @Override
    void close();
}
