package io.concurrentkvs.it;

import io.concurrentkvs.blocking.KvsClient;
import io.concurrentkvs.core.Codecs;
import io.concurrentkvs.core.KvsConnection;

/**
 * Writes every {@link CodecSample} value into a store, so that the test process can read them back with
 * its own codecs: proof that encoded bytes mean the same in two JVMs. Also stores values under
 * {@link Point} keys ({@code "point-value-<i>"}), to cover a user codec on the key side.
 *
 * <p>Arguments: {@code name}. Prints {@code WROTE values=<n>} and exits.
 */
public final class CodecWriterMain {
    /** Number of point-keyed entries written. */
    public static final int POINT_KEYS = 5;

    private CodecWriterMain() {}

    public static void main(String[] argv) {
        Args args = Args.parse(argv);
        int written = 0;
        try (KvsConnection conn = KvsConnection.connect(args.string("name"))) {
            for (CodecSample<?> sample : CodecSample.all()) {
                written += writeAll(conn, sample);
            }
            KvsClient<Point, String> byPoint = KvsClient.of(conn, Point.CODEC, Codecs.string());
            for (int i = 0; i < POINT_KEYS; i++) {
                require(byPoint.set(pointKey(i), "point-value-" + i), "set point key " + i);
                written++;
            }
        }
        Stdin.report("WROTE values=" + written);
        System.exit(0);
    }

    /** The {@link Point} key of entry {@code i}. */
    public static Point pointKey(int i) {
        return new Point(i, i * i, "key" + i);
    }

    private static <T> int writeAll(KvsConnection conn, CodecSample<T> sample) {
        KvsClient<String, T> client = KvsClient.of(conn, Codecs.string(), sample.codec());
        for (int i = 0; i < sample.count(); i++) {
            require(client.set(sample.key(i), sample.value(i)), "set " + sample.key(i));
        }
        return sample.count();
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what + " returned false");
        }
    }
}
