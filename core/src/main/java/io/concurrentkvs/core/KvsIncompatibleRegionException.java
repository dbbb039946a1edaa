package io.concurrentkvs.core;

/**
 * A file exists under the store's name but is not a region this library can use: another magic, an
 * unsupported layout version, or a header whose geometry is out of range or does not fit the file.
 * The message names the path and the reason.
 */
public class KvsIncompatibleRegionException extends KvsException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the region's path and why it cannot be used
     */
    public KvsIncompatibleRegionException(String message) {
        super(message);
    }
}
