package io.concurrentkvs.it;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * The self-checking message the ring stress tests send through a request ring's payload area (the ring
 * does not interpret payloads). Stateless.
 *
 * <pre>
 *   0: producer id (int32)    4: payload length (int32)    8: sequence (int64)
 *  16: payload bytes ...      16 + length: CRC32 of bytes [0, 16 + length) (int32)
 * </pre>
 *
 * Little-endian, like the region. The payload is pseudo-random, derived from producer and sequence, and
 * its length varies so that torn or overlapping writes show up as checksum failures.
 */
public final class RingMessage {
    public static final int HEADER_LENGTH = 16;
    public static final int TRAILER_LENGTH = 4;

    private RingMessage() {}

    /** Largest payload that fits a slot payload area of {@code capacity} bytes. */
    public static int maxPayload(int capacity) {
        return capacity - HEADER_LENGTH - TRAILER_LENGTH;
    }

    /** Encodes message {@code sequence} of {@code producer}; its length is chosen in [0, maxPayload]. */
    public static byte[] encode(int producer, long sequence, int maxPayload) {
        SplittableRandom random = new SplittableRandom(producer * 0x9E3779B97F4A7C15L ^ sequence);
        int length = random.nextInt(maxPayload + 1);
        byte[] message = new byte[HEADER_LENGTH + length + TRAILER_LENGTH];
        ByteBuffer buffer = ByteBuffer.wrap(message).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(producer).putInt(length).putLong(sequence);
        for (int i = 0; i < length; i++) {
            buffer.put((byte) random.nextInt(256));
        }
        buffer.putInt(crc(message, HEADER_LENGTH + length));
        return message;
    }

    /** Total length of a message whose header says {@code payloadLength}. */
    public static int length(int payloadLength) {
        return HEADER_LENGTH + payloadLength + TRAILER_LENGTH;
    }

    public static int producer(byte[] message) {
        return ByteBuffer.wrap(message).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    }

    public static int payloadLength(byte[] message) {
        return ByteBuffer.wrap(message).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
    }

    public static long sequence(byte[] message) {
        return ByteBuffer.wrap(message).order(ByteOrder.LITTLE_ENDIAN).getLong(8);
    }

    /** Whether the first {@code length} bytes of {@code message} are a message with a valid checksum. */
    public static boolean isIntact(byte[] message, int length) {
        if (length < HEADER_LENGTH + TRAILER_LENGTH || length > message.length) {
            return false;
        }
        ByteBuffer buffer = ByteBuffer.wrap(message).order(ByteOrder.LITTLE_ENDIAN);
        if (length != length(buffer.getInt(4))) {
            return false;
        }
        int body = length - TRAILER_LENGTH;
        return buffer.getInt(body) == crc(message, body);
    }

    private static int crc(byte[] bytes, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }
}
