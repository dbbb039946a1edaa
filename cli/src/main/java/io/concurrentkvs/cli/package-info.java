/** The {@code kvs} command line: server, one-shot operations, stats, bench and demo (picocli). */
package io.concurrentkvs.cli;
