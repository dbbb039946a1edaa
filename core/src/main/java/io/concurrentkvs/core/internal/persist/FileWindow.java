package io.concurrentkvs.core.internal.persist;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A bounded read window over a file of a known length, so a reader never holds the whole file: it holds one
 * heap buffer that grows only as far as the longest record it was asked for, at most {@code maxCapacity}.
 * Owned by one reading thread; not thread-safe.
 */
final class FileWindow {
    private final FileChannel channel;
    private final long fileLength;
    private final int maxCapacity;
    private byte[] buf;
    /** File offset of {@code buf[0]}. */
    private long start;
    /** Bytes of {@code buf} holding file data. */
    private int filled;

    FileWindow(FileChannel channel, long fileLength, int initialCapacity, int maxCapacity) {
        this.channel = channel;
        this.fileLength = fileLength;
        this.maxCapacity = maxCapacity;
        this.buf = new byte[Math.min(initialCapacity, maxCapacity)];
    }

    /**
     * Makes file bytes {@code [offset, offset + length)} readable in {@link #array()} at {@link #index}.
     *
     * @return false if that range is not wholly inside the file (as its length was given, or as it is now, if
     *     it shrank)
     * @throws IllegalArgumentException if {@code length} exceeds the window's maximum
     */
    boolean ensure(long offset, int length) throws IOException {
        if (offset < 0 || length < 0 || offset > fileLength || length > fileLength - offset) {
            return false;
        }
        if (offset >= start && offset + length <= start + filled) {
            return true;
        }
        if (length > buf.length) {
            if (length > maxCapacity) {
                throw new IllegalArgumentException("window of " + length + " bytes exceeds " + maxCapacity);
            }
            // Grow geometrically but never past the maximum: a long run of large records does not reallocate each time.
            buf = new byte[(int) Math.min(maxCapacity, Math.max(length, 2L * buf.length))];
        }
        start = offset;
        filled = 0;
        ByteBuffer target = ByteBuffer.wrap(buf, 0, (int) Math.min(buf.length, fileLength - offset));
        while (target.hasRemaining()) {
            if (channel.read(target, offset + target.position()) < 0) {
                break;
            }
        }
        filled = target.position();
        return filled >= length;
    }

    /** The window's buffer; valid until the next {@link #ensure}, which may replace it. */
    byte[] array() {
        return buf;
    }

    /** The index in {@link #array()} of file offset {@code offset}, which the last {@link #ensure} covered. */
    int index(long offset) {
        return (int) (offset - start);
    }
}
