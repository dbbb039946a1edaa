package io.concurrentkvs.core.internal.persist;

import static io.concurrentkvs.core.internal.persist.PersistLayout.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The persistence directory's manifest ({@link PersistLayout}): which history the directory holds, which
 * snapshot to load and from which log to replay. Replaced whole by an atomic rename, so a reader sees the old
 * manifest or the new one, never a mix. An immutable value; {@link #read} and {@link #write} run on the
 * caller's thread, and only the directory's lock holder writes.
 *
 * @param historyId the directory's history id, non-zero; every log and snapshot of it carries it
 * @param snapshotSeq the seq of the snapshot to load, 0 for none
 * @param firstLogSeq the seq of the first log to replay; logs {@code firstLogSeq, +1, ...} follow while they exist
 * @param writtenMillis wall-clock epoch millis of the writing, informational
 */
record Manifest(long historyId, long snapshotSeq, long firstLogSeq, long writtenMillis) {
    Manifest {
        if (historyId == 0) {
            throw new IllegalArgumentException("historyId must be non-zero");
        }
    }

    /**
     * Reads {@code dir/MANIFEST}; a {@code MANIFEST.tmp} (a write that did not finish) is ignored.
     *
     * @return empty if there is no manifest
     * @throws PersistenceFormatException if the manifest is not valid (short, long, bad field or crc)
     */
    static Optional<Manifest> read(Path dir) throws IOException {
        Path file = PersistFiles.manifestPath(dir);
        byte[] b = new byte[MANIFEST_LENGTH];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size != MANIFEST_LENGTH) {
                throw new PersistenceFormatException(
                        file,
                        Math.min(size, MANIFEST_LENGTH),
                        "manifest of " + size + " bytes, expected " + MANIFEST_LENGTH);
            }
            ByteBuffer target = ByteBuffer.wrap(b);
            while (target.hasRemaining()) {
                if (channel.read(target, target.position()) < 0) {
                    throw new PersistenceFormatException(file, target.position(), "manifest shrank while read");
                }
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return Optional.of(decode(file, b));
    }

    private static Manifest decode(Path file, byte[] b) {
        long magic = LittleEndian.getLong(b, MAGIC_OFFSET);
        if (magic != MANIFEST_MAGIC) {
            throw new PersistenceFormatException(
                    file, MAGIC_OFFSET, "not a manifest (magic 0x" + Long.toHexString(magic) + ")");
        }
        FileHeader.checkVersionAndLength(file, b, MANIFEST_LENGTH);
        long historyId = LittleEndian.getLong(b, MANIFEST_HISTORY_ID_OFFSET);
        if (historyId == 0) {
            throw new PersistenceFormatException(file, MANIFEST_HISTORY_ID_OFFSET, "history id 0");
        }
        FileHeader.checkZero(file, b, MANIFEST_RESERVED_OFFSET, MANIFEST_CRC_OFFSET);
        FileHeader.checkCrc(file, b, MANIFEST_CRC_OFFSET);
        return new Manifest(
                historyId,
                LittleEndian.getLong(b, MANIFEST_SNAPSHOT_SEQ_OFFSET),
                LittleEndian.getLong(b, MANIFEST_FIRST_LOG_SEQ_OFFSET),
                LittleEndian.getLong(b, MANIFEST_WRITTEN_MILLIS_OFFSET));
    }

    /** The manifest's 64 bytes. */
    byte[] encode() {
        byte[] b = new byte[MANIFEST_LENGTH];
        LittleEndian.putLong(b, MAGIC_OFFSET, MANIFEST_MAGIC);
        LittleEndian.putInt(b, VERSION_OFFSET, VERSION);
        LittleEndian.putInt(b, HEADER_LENGTH_OFFSET, MANIFEST_LENGTH);
        LittleEndian.putLong(b, MANIFEST_HISTORY_ID_OFFSET, historyId);
        LittleEndian.putLong(b, MANIFEST_SNAPSHOT_SEQ_OFFSET, snapshotSeq);
        LittleEndian.putLong(b, MANIFEST_FIRST_LOG_SEQ_OFFSET, firstLogSeq);
        LittleEndian.putLong(b, MANIFEST_WRITTEN_MILLIS_OFFSET, writtenMillis);
        LittleEndian.putInt(b, MANIFEST_CRC_OFFSET, FileHeader.crcOf(b, MANIFEST_CRC_OFFSET));
        return b;
    }

    /**
     * Makes this the manifest of {@code dir}: writes {@code MANIFEST.tmp} (a leftover one is replaced), forces
     * it, renames it over {@code MANIFEST} atomically and forces the directory, so after a crash the directory
     * has the old manifest or this one.
     */
    void write(Path dir) throws IOException {
        Path file = PersistFiles.manifestPath(dir);
        Path temp = PersistFiles.tempOf(file);
        Files.deleteIfExists(temp);
        try (FileChannel channel = PersistFiles.createNew(temp)) {
            ByteBuffer src = ByteBuffer.wrap(encode());
            while (src.hasRemaining()) {
                channel.write(src);
            }
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        PersistFiles.forceDirectory(dir);
    }
}
