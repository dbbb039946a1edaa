/**
 * JFR events for the rare things an operator wants to see on a timeline: a request that timed out, a
 * connection that re-attached to a server, a ring slot skipped behind a stalled producer, a ring the
 * server repaired, a client entry reaped. Each is named {@code io.concurrentkvs.<Name>}, is enabled by
 * default in a recording, and is built and committed only while a recording wants it (nothing is
 * allocated otherwise). Internal: the event names and fields are documented in the README, the classes
 * are not API.
 */
package io.concurrentkvs.core.internal.jfr;
