/** The Redis backend behind {@code KvsConnection}: Lettuce connections, request mapping, failures (internal). */
package io.concurrentkvs.redis.internal;
