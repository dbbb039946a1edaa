package io.concurrentkvs.bench.load;

/**
 * The keys {@code 0..size()-1} of one {@link Keys} style, as a loop draws them: either built up front into
 * a table (the timed loops then never allocate a key), or made on the fly for each request, which costs one
 * small allocation per request but no memory per key. The large-store run uses the latter for every key
 * space it compares, so a ten-million-key client neither needs a huge heap nor pays cache misses on its own
 * key table that a 100,000-key client would not.
 *
 * <p>Both give the same bytes for an index; each call of {@link #key} on a generated source returns a new
 * array. Thread safety: immutable.
 */
interface KeySource {
    int size();

    byte[] key(int index);

    /** "table" or "generated": how the command line names the two. */
    String mode();

    static KeySource of(String mode, String style, int count) {
        switch (mode) {
            case "table":
                return new Table(Keys.build(style, count));
            case "generated":
                return new Generated(style, count);
            default:
                throw new IllegalArgumentException("key mode must be table or generated: " + mode);
        }
    }

    /** Keys built once. */
    final class Table implements KeySource {
        private final byte[][] keys;

        Table(byte[][] keys) {
            this.keys = keys;
        }

        @Override
        public int size() {
            return keys.length;
        }

        @Override
        public byte[] key(int index) {
            return keys[index];
        }

        @Override
        public String mode() {
            return "table";
        }
    }

    /** Keys made when asked for. */
    final class Generated implements KeySource {
        private final String style;
        private final int count;

        Generated(String style, int count) {
            Keys.key(style, 0); // rejects an unknown style now, not in the middle of a run
            this.style = style;
            this.count = count;
        }

        @Override
        public int size() {
            return count;
        }

        @Override
        public byte[] key(int index) {
            return Keys.key(style, index);
        }

        @Override
        public String mode() {
            return "generated";
        }
    }
}
