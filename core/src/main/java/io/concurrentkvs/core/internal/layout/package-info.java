/**
 * The shared-memory layout types that both sides use, the server and its clients: the client table
 * ({@link io.concurrentkvs.core.internal.layout.ClientTable},
 * {@link io.concurrentkvs.core.internal.layout.ClientTableDescriptor}), the response area
 * ({@link io.concurrentkvs.core.internal.layout.ResponseSlots},
 * {@link io.concurrentkvs.core.internal.layout.ResponseSlotDescriptor},
 * {@link io.concurrentkvs.core.internal.layout.ResponseStatus}) and the request ids that tie a batch to
 * its answers ({@link io.concurrentkvs.core.internal.layout.RequestIds}).
 *
 * <p>The byte layout and memory ordering of every structure here is the protocol documented in
 * {@code docs/PROTOCOL.md}; the request ring has its own package,
 * {@link io.concurrentkvs.core.internal.ring}, and the region header is in
 * {@link io.concurrentkvs.core.internal.region}. This package depends on neither the client nor the
 * server packages; both depend on it. Internal: not part of the library's API.
 */
package io.concurrentkvs.core.internal.layout;
