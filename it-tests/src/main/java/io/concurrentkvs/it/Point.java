package io.concurrentkvs.it;

import io.concurrentkvs.core.Codec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A user type stored through {@link Codec#of}: the server never sees this class, only its bytes.
 *
 * @param x horizontal coordinate
 * @param y vertical coordinate
 * @param label a free-form name, UTF-8 encoded
 */
public record Point(int x, int y, String label) {
    /** 4 bytes x, 4 bytes y, then the label's UTF-8 bytes. */
    public static final Codec<Point> CODEC = Codec.of(Point::toBytes, Point::fromBytes);

    private byte[] toBytes() {
        byte[] text = label.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + text.length)
                .putInt(x)
                .putInt(y)
                .put(text)
                .array();
    }

    private static Point fromBytes(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        int x = buffer.getInt();
        int y = buffer.getInt();
        return new Point(x, y, new String(bytes, 8, bytes.length - 8, StandardCharsets.UTF_8));
    }
}
