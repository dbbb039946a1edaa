/**
 * Programs that the integration tests run as child JVMs: a server, ring producers and client workers.
 * Each prints one-line, space-separated {@code KEY value} reports on standard output that the tests
 * wait for, and reads commands from standard input.
 */
package io.concurrentkvs.it;
