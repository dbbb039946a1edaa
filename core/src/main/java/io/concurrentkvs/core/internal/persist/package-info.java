/**
 * The persistence directory's file formats (format 1.0): the append-only log ({@link
 * io.concurrentkvs.core.internal.persist.LogRecords}, {@link io.concurrentkvs.core.internal.persist.LogReader}),
 * snapshots ({@link io.concurrentkvs.core.internal.persist.SnapshotWriter},
 * {@link io.concurrentkvs.core.internal.persist.SnapshotReader}), the manifest
 * ({@link io.concurrentkvs.core.internal.persist.Manifest}) and the directory's names
 * ({@link io.concurrentkvs.core.internal.persist.PersistFiles}). Every offset is in
 * {@link io.concurrentkvs.core.internal.persist.PersistLayout} and in docs/PROTOCOL.md ("The persistence
 * directory"). Everything read back from disk is untrusted and validated before use. Internal: not part of
 * the library's API.
 */
package io.concurrentkvs.core.internal.persist;
