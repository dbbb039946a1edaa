/**
 * The Project Reactor view of a store: {@link io.concurrentkvs.reactive.ReactiveKvsClient} gives cold
 * {@code Mono}s for single operations and windowed, order-preserving {@code Flux} batches, all over the
 * connection's one asynchronous core.
 */
package io.concurrentkvs.reactive;
