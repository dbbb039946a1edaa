package io.concurrentkvs.reactive;

/**
 * Settings of a {@link ReactiveKvsClient}. Immutable and thread-safe; start from {@link #defaults()} or
 * {@link #builder()}.
 *
 * <p>Timeouts are not set here: a call without a {@code Duration} uses the connection's
 * {@link io.concurrentkvs.core.ConnectionOptions#defaultTimeout()}, so every view of one connection
 * agrees on it.
 */
public final class ReactiveOptions {
    /**
     * Requests a batch ({@code setAll}, {@code getAll}) keeps in flight by default: 256. Enough to keep
     * the server's workers busy (pipelining stops paying off well before that on a few cores), and a
     * quarter of a connection's default response slots, so a few batches can run side by side without
     * queueing in the core's backlog.
     */
    public static final int DEFAULT_BATCH_WINDOW = 256;

    private static final ReactiveOptions DEFAULTS = builder().build();

    private final int batchWindow;

    private ReactiveOptions(Builder builder) {
        this.batchWindow = builder.batchWindow;
    }

    /**
     * The default settings.
     *
     * @return the shared default options
     */
    public static ReactiveOptions defaults() {
        return DEFAULTS;
    }

    /**
     * A builder starting from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Most requests one batch has in flight; also the most elements it requests from upstream ahead.
     *
     * @return the window, at least 1; {@link #DEFAULT_BATCH_WINDOW} unless set
     */
    public int batchWindow() {
        return batchWindow;
    }

    /**
     * The settings, for logs.
     *
     * @return {@code ReactiveOptions{batchWindow=...}}
     */
    @Override
    public String toString() {
        return "ReactiveOptions{batchWindow=" + batchWindow + '}';
    }

    /** Builder of {@link ReactiveOptions}. Not thread-safe. */
    public static final class Builder {
        private int batchWindow = DEFAULT_BATCH_WINDOW;

        private Builder() {}

        /**
         * Most requests a batch keeps in flight at once; see {@link #DEFAULT_BATCH_WINDOW}. A window
         * above the connection's response slots does not fail: the excess waits in the core's bounded
         * backlog for a free slot.
         *
         * @param window requests in flight per batch, at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code window < 1}
         */
        public Builder batchWindow(int window) {
            this.batchWindow = ReactiveKvsClient.requireWindow(window);
            return this;
        }

        /**
         * The options as set so far; the builder may be reused.
         *
         * @return new immutable options
         */
        public ReactiveOptions build() {
            return new ReactiveOptions(this);
        }
    }
}
