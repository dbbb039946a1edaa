/**
 * The hooks metrics read: the per-request listener a connection calls as each request completes
 * ({@link io.concurrentkvs.core.internal.metrics.RequestListener}), the requests a server has served
 * ({@link io.concurrentkvs.core.internal.metrics.ServedRequests}), and the bridge that hands them to the
 * {@code kvs-micrometer} binders ({@link io.concurrentkvs.core.internal.metrics.MetricsAccess}). Backend
 * neutral: nothing here knows the shared-memory layout. Internal: not part of the library's API.
 */
package io.concurrentkvs.core.internal.metrics;
