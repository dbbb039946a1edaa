package io.concurrentkvs.core.internal.layout;

/** Status codes a worker writes into a response slot (see {@link ResponseSlotDescriptor#STATUS_OFFSET}). */
public final class ResponseStatus {
    /** SET stored, POST inserted, DEL removed. */
    public static final int TRUE = 1;
    /** POST found the key present, DEL found it absent. */
    public static final int FALSE = 2;
    /** GET found the key; the value follows. */
    public static final int FOUND = 3;
    /** GET found no such key. */
    public static final int ABSENT = 4;
    /** The server rejected the request as malformed (a bug or a hostile writer). */
    public static final int MALFORMED = 5;
    /** The server is stopping and did not apply the request. */
    public static final int UNAVAILABLE = 6;
    /** The store had no room for the write, which was not applied; the value is the UTF-8 reason. */
    public static final int CAPACITY = 7;
    /**
     * The server's persistence log could not take the write (its disk is full), which was not applied; the
     * value is the UTF-8 reason.
     */
    public static final int REFUSED = 8;

    private ResponseStatus() {}
}
