package io.concurrentkvs.core.internal.layout;

import java.util.zip.CRC32C;

/**
 * The checksum that seals a run of answers ({@link ResponseSlotDescriptor#SEAL_OFFSET}): CRC32C over the
 * answers as they are written, then the batch id, the answer count and the answers length, each integer in
 * little-endian order. Padding between answers is not covered.
 *
 * <p>The worker feeds it the answers from its own buffers as it writes them, never from the slot, so a
 * stale worker scribbling into the same bytes meanwhile cannot be sealed in; the client feeds it what it
 * copied out of the slot and compares. A mismatch means the run was written by more than one hand (a
 * worker stalled past a reap or a re-attach, or another process), and the batch fails rather than deliver
 * answers nobody sent.
 *
 * <p>Not thread-safe: one instance per thread, reused run after run.
 */
public final class AnswerSeal {
    private final CRC32C crc = new CRC32C();
    private final byte[] word = new byte[8];

    /** Starts a new run. */
    public void reset() {
        crc.reset();
    }

    /** Adds one answer: its status, its value length and the value bytes {@code value[0, valueLength)}. */
    public void addAnswer(int status, byte[] value, int valueLength) {
        putInt(0, status);
        putInt(4, valueLength);
        crc.update(word, 0, 8);
        if (valueLength > 0) {
            crc.update(value, 0, valueLength);
        }
    }

    /** Ends the run of batch {@code batchId} with {@code count} answers in {@code answersLength} bytes. */
    public int finish(long batchId, int count, int answersLength) {
        putInt(0, (int) batchId);
        putInt(4, (int) (batchId >>> 32));
        crc.update(word, 0, 8);
        putInt(0, count);
        putInt(4, answersLength);
        crc.update(word, 0, 8);
        return (int) crc.getValue();
    }

    private void putInt(int at, int value) {
        word[at] = (byte) value;
        word[at + 1] = (byte) (value >>> 8);
        word[at + 2] = (byte) (value >>> 16);
        word[at + 3] = (byte) (value >>> 24);
    }
}
