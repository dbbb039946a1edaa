package io.concurrentkvs.core.internal.persist;

/** Why a {@link LogReader#scan log scan} stopped where it did. */
enum LogStop {
    /** The file ends exactly after the last valid record, or only zero bytes (unused, preallocated) follow it. */
    CLEAN_END,
    /** Non-zero bytes follow the last valid record that are not a valid record: a torn or corrupt tail. */
    TORN
}
