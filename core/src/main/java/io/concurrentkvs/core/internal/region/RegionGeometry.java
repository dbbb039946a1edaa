package io.concurrentkvs.core.internal.region;

import io.concurrentkvs.core.internal.layout.ClientTableDescriptor;
import io.concurrentkvs.core.internal.layout.ResponseSlotDescriptor;
import io.concurrentkvs.core.internal.ring.RequestRingDescriptor;

/**
 * The sizes a region is created with, and every offset derived from them.
 *
 * <p>A client never trusts the section offsets stored in a header: it rebuilds the geometry from the
 * stored sizes (validated against these bounds) and requires the stored offsets to match. Immutable.
 */
public record RegionGeometry(
        int ringCapacity,
        int maxKeyBytes,
        int maxValueBytes,
        int clientCapacity,
        int responseSlotsPerClient,
        int stallTimeoutMs,
        int heartbeatIntervalMs) {

    public static final int MAX_RING_CAPACITY = 1 << 20;
    public static final int MAX_KEY_BYTES = 1 << 20;
    public static final int MAX_VALUE_BYTES = 16 << 20;
    public static final int MAX_CLIENTS = 4096;
    public static final int MAX_RESPONSE_SLOTS = 1 << 16;
    /** {@code FileChannel.map} maps at most 2 GiB at once. */
    public static final long MAX_REGION_LENGTH = Integer.MAX_VALUE;

    public RegionGeometry {
        requireRange("ringCapacity", ringCapacity, 2, MAX_RING_CAPACITY);
        if (Integer.bitCount(ringCapacity) != 1) {
            throw new IllegalArgumentException("ringCapacity must be a power of two: " + ringCapacity);
        }
        requireRange("maxKeyBytes", maxKeyBytes, 1, MAX_KEY_BYTES);
        requireRange("maxValueBytes", maxValueBytes, 0, MAX_VALUE_BYTES);
        requireRange("clientCapacity", clientCapacity, 1, MAX_CLIENTS);
        requireRange("responseSlotsPerClient", responseSlotsPerClient, 1, MAX_RESPONSE_SLOTS);
        requireRange("stallTimeoutMs", stallTimeoutMs, 1, 3_600_000);
        requireRange("heartbeatIntervalMs", heartbeatIntervalMs, 1, 60_000);
        long length =
                computeRegionLength(ringCapacity, maxKeyBytes, maxValueBytes, clientCapacity, responseSlotsPerClient);
        if (length > MAX_REGION_LENGTH) {
            throw new IllegalArgumentException("region would be " + length + " bytes; at most " + MAX_REGION_LENGTH
                    + " can be mapped: reduce ring size, limits, clients or response slots");
        }
    }

    private static void requireRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "]: " + value);
        }
    }

    private static long computeRegionLength(int ring, int key, int value, int clients, int slots) {
        long ringLength = RequestRingDescriptor.length(ring, RequestRingDescriptor.slotSize(key, value));
        long table = (long) clients * ClientTableDescriptor.ENTRY_SIZE;
        long responses = (long) clients * slots * ResponseSlotDescriptor.slotSize(value);
        return RegionHeaderDescriptor.HEADER_LENGTH + ringLength + table + responses;
    }

    public int ringSlotSize() {
        return RequestRingDescriptor.slotSize(maxKeyBytes, maxValueBytes);
    }

    public int responseSlotSize() {
        return ResponseSlotDescriptor.slotSize(maxValueBytes);
    }

    public long ringOffset() {
        return RegionHeaderDescriptor.HEADER_LENGTH;
    }

    public long ringLength() {
        return RequestRingDescriptor.length(ringCapacity, ringSlotSize());
    }

    public long clientTableOffset() {
        return ringOffset() + ringLength();
    }

    public long clientTableLength() {
        return (long) clientCapacity * ClientTableDescriptor.ENTRY_SIZE;
    }

    public long responseOffset() {
        return clientTableOffset() + clientTableLength();
    }

    public long responseAreaLength() {
        return (long) clientCapacity * responseSlotsPerClient * responseSlotSize();
    }

    /** Length of one client's block of response slots. */
    public long clientResponseLength() {
        return (long) responseSlotsPerClient * responseSlotSize();
    }

    public long regionLength() {
        return responseOffset() + responseAreaLength();
    }
}
