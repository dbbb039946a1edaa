package io.concurrentkvs.core.internal.persist;

import io.concurrentkvs.core.KvsCapacityException;
import io.concurrentkvs.core.KvsException;
import io.concurrentkvs.core.internal.store.SharedStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a persistence directory back: which files its manifest's history consists of, and (when the shared
 * memory is gone) rebuilds the store from them: the snapshot, then every log in order.
 *
 * <p>A log ends at its first record that is not intact (a torn write of the crashed server, or damage):
 * nothing after that point in the file is applied, the bytes are counted and logged, and replay goes on
 * with the next log, which a later server run started. Every record applied passed its CRC, which covers its
 * place in the file, so replay never applies a value that was never written, and never out of order. A gap
 * in the logs' sequence ends the history: the logs beyond it are renamed {@code *.orphan}, kept for the
 * operator, and not replayed. A damaged snapshot fails the start: without it the logs are not the whole
 * history.
 *
 * <p>Not thread-safe: used once, by the starting server.
 */
final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    private final Path directory;
    private final Manifest manifest;
    /** The logs of the history, in order: firstLogSeq and its contiguous successors. */
    private final List<Path> logs = new ArrayList<>();

    private final long nextSeq;
    private long droppedBytes;
    private long replayedRecords;
    private long snapshotEntries;

    private Recovery(Path directory, Manifest manifest) throws IOException {
        this.directory = directory;
        this.manifest = manifest;
        TreeMap<Long, Path> found = new TreeMap<>();
        try (var files = Files.list(directory)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                PersistFiles.logSeqOf(file).ifPresent(seq -> found.put(seq, file));
            }
        }
        long expected = manifest.firstLogSeq();
        for (var e : found.entrySet()) {
            long seq = e.getKey();
            if (seq < manifest.firstLogSeq()) {
                // Left by a crash between a manifest swap and the deletion of the files it retired.
                Files.deleteIfExists(e.getValue());
            } else if (seq == expected) {
                logs.add(e.getValue());
                expected++;
            } else {
                Path orphan = e.getValue().resolveSibling(e.getValue().getFileName() + ".orphan");
                LOG.error(
                        "persistence directory {}: log {} follows a gap (log {} is missing) and is not replayed;"
                                + " kept as {}",
                        directory,
                        e.getValue().getFileName(),
                        expected,
                        orphan.getFileName());
                Files.move(e.getValue(), orphan, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        this.nextSeq = expected;
    }

    /** The history of {@code directory} as its manifest describes it; leftovers of a crash are cleaned up. */
    static Recovery of(Path directory, Manifest manifest) throws IOException {
        return new Recovery(directory, manifest);
    }

    /** The sequence number the next log file takes: after the last log of the history. */
    long nextSeq() {
        return nextSeq;
    }

    /** Bytes of the history's files (snapshot and logs), as found. */
    long historyBytes() throws IOException {
        long bytes = 0;
        for (Path log : logs) {
            bytes += Files.size(log);
        }
        return bytes;
    }

    long snapshotBytes() throws IOException {
        Path snapshot = snapshotPath();
        return snapshot == null || !Files.exists(snapshot) ? 0 : Files.size(snapshot);
    }

    private Path snapshotPath() {
        return manifest.snapshotSeq() == 0 ? null : PersistFiles.snapshotPath(directory, manifest.snapshotSeq());
    }

    /**
     * Loads the snapshot and replays the logs into {@code store}, which must be empty and journal nowhere.
     *
     * @throws KvsException if the snapshot is missing or damaged, or the data does not fit the store's limits
     */
    void replayInto(SharedStore store, int maxKeyBytes, int maxValueBytes) throws IOException {
        Applier applier = new Applier(store, maxKeyBytes, maxValueBytes);
        Path snapshot = snapshotPath();
        try {
            if (snapshot != null) {
                if (!Files.exists(snapshot)) {
                    throw new KvsException("persistence directory " + directory + ": the manifest names snapshot "
                            + snapshot.getFileName() + ", which is missing; the history cannot be recovered");
                }
                snapshotEntries = SnapshotReader.read(snapshot, manifest.historyId(), manifest.snapshotSeq(), applier);
            }
            long seq = manifest.firstLogSeq();
            for (int i = 0; i < logs.size(); i++) {
                Path log = logs.get(i);
                LogScan scan;
                try {
                    scan = LogReader.scan(log, manifest.historyId(), seq, applier);
                } catch (PersistenceFormatException badHeader) {
                    if (i < logs.size() - 1 || !startedHeaderOnly(log)) {
                        throw badHeader;
                    }
                    // A server died creating its new log: the header is written and forced before any record.
                    long lost = Files.size(log);
                    droppedBytes += lost;
                    LOG.warn(
                            "persistence directory {}: the newest log {} has an incomplete header ({}), left by a"
                                    + " crash while it was created; it holds no record and is rewritten empty",
                            directory,
                            log.getFileName(),
                            badHeader.getMessage());
                    rewriteEmpty(log, seq);
                    break;
                }
                replayedRecords += scan.records();
                if (scan.stop() == LogStop.TORN) {
                    long lost = scan.fileLength() - scan.validEnd();
                    droppedBytes += lost;
                    LOG.warn(
                            "persistence directory {}: log {} ends in {} bytes that are not an intact record at offset"
                                    + " {} ({}): a write torn by a crash, or damage; dropped",
                            directory,
                            log.getFileName(),
                            lost,
                            scan.validEnd(),
                            scan.detail());
                }
                seq++;
            }
        } catch (PersistenceFormatException e) {
            throw new KvsException(
                    "persistence directory " + directory + " cannot be recovered: " + e.getMessage()
                            + ". Move the directory aside to start empty",
                    e);
        }
    }

    /** Makes {@code log} a valid log of no records (the sequence stays unbroken for the next one). */
    private void rewriteEmpty(Path log, long seq) throws IOException {
        byte[] header = new byte[PersistLayout.HEADER_LENGTH];
        LogRecords.writeHeader(header, manifest.historyId(), seq, System.currentTimeMillis());
        try (var channel = java.nio.channels.FileChannel.open(log, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(0);
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(header);
            while (buffer.hasRemaining()) {
                channel.write(buffer, buffer.position());
            }
            channel.force(true);
        }
    }

    /**
     * Whether {@code log} could be a log its server died creating: nothing but a header's worth of bytes, or
     * zeros after them (the preallocation), so it cannot have held a record.
     */
    private static boolean startedHeaderOnly(Path log) throws IOException {
        byte[] bytes;
        try (var in = Files.newInputStream(log)) {
            bytes = in.readNBytes(PersistLayout.HEADER_LENGTH + PersistLayout.ALIGNMENT * 4);
        }
        for (int i = PersistLayout.HEADER_LENGTH; i < bytes.length; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    long droppedBytes() {
        return droppedBytes;
    }

    long replayedRecords() {
        return replayedRecords;
    }

    long snapshotEntries() {
        return snapshotEntries;
    }

    /** Applies recovered records to the store, checking them against its limits. */
    private final class Applier implements RecordVisitor {
        private final SharedStore store;
        private final int maxKeyBytes;
        private final int maxValueBytes;

        Applier(SharedStore store, int maxKeyBytes, int maxValueBytes) {
            this.store = store;
            this.maxKeyBytes = maxKeyBytes;
            this.maxValueBytes = maxValueBytes;
        }

        @Override
        public void set(byte[] key, int keyLength, byte[] value, int valueLength) {
            if (keyLength > maxKeyBytes || valueLength > maxValueBytes) {
                throw new KvsException("persistence directory " + directory + " holds a " + keyLength
                        + "-byte key with a " + valueLength
                        + "-byte value, larger than this server's limits (maxKeyBytes "
                        + maxKeyBytes + ", maxValueBytes " + maxValueBytes
                        + "): start it with the limits it was written with");
            }
            try {
                store.set(key, keyLength, value, 0, valueLength);
            } catch (KvsCapacityException full) {
                throw new KvsException(
                        "persistence directory " + directory + " holds more than this server's store" + " takes ("
                                + full.getMessage() + "): start it with larger maxEntries or maxDataBytes",
                        full);
            }
        }

        @Override
        public void del(byte[] key, int keyLength) {
            store.del(key, keyLength);
        }
    }
}
