package io.concurrentkvs.core.internal.store;

/**
 * What adopting a store file found and repaired.
 *
 * @param entries entries adopted
 * @param dropped index words that named no intact record of their segment (a scribbled or torn entry),
 *     dropped and logged
 * @param duplicates index words that named a record another word already named: what a server killed
 *     inside a delete's backward shift leaves; the copy is dropped
 * @param openWrites segments whose sequence was odd: a server died inside a write; reset
 * @param invalidPages page words that named no segment or size class; the pages were freed
 * @param nanos how long adoption took
 */
public record AdoptionReport(
        long entries, long dropped, long duplicates, long openWrites, long invalidPages, long nanos) {

    /** The report of a store that started empty. */
    public static AdoptionReport fresh() {
        return new AdoptionReport(0, 0, 0, 0, 0, 0);
    }
}
