package io.concurrentkvs.core.internal.persist;

/**
 * The result of one {@link LogReader#scan log scan}. Immutable.
 *
 * @param records the number of valid records passed to the visitor
 * @param validEnd the file offset just after the last valid record (the header's length if there is none):
 *     where a writer that reopens the log must continue
 * @param fileLength the file's length when it was scanned
 * @param stop why the scan stopped at {@code validEnd}
 * @param detail what was found at {@code validEnd}, for logs and messages
 */
record LogScan(long records, long validEnd, long fileLength, LogStop stop, String detail) {
    /** The bytes after {@link #validEnd()}, dropped by recovery. */
    long droppedBytes() {
        return fileLength - validEnd;
    }
}
