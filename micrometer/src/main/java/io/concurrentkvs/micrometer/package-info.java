/**
 * Micrometer binders for a store: {@link io.concurrentkvs.micrometer.KvsClientMetrics} times every request
 * of a connection by operation and outcome and gauges its requests in flight;
 * {@link io.concurrentkvs.micrometer.KvsServerMetrics} counts the requests an in-process server has served
 * and gauges its stored entries. The meter names are fixed by SPEC 7.5 and listed in the README.
 */
package io.concurrentkvs.micrometer;
