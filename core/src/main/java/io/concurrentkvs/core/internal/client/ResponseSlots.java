package io.concurrentkvs.core.internal.client;

import static io.concurrentkvs.core.internal.client.ResponseSlotDescriptor.*;

import io.concurrentkvs.core.internal.memory.Memory;

/**
 * The response area: each client's block of response slots ({@link ResponseSlotDescriptor}).
 *
 * <p>Protocol of one slot, per request id {@code R}: the owning client {@linkplain #arm arms} it
 * (ticket {@code R|ARMED}) before publishing the request; a worker {@linkplain #beginAnswer moves} it to
 * {@code R|WRITING} by CAS, writes status and value, and {@linkplain #publishAnswer publishes}
 * {@code R|DONE} with release; the client reads the answer after observing DONE with acquire, then
 * {@linkplain #free frees} the slot. A client that gives up {@linkplain #cancel cancels} by CAS from
 * {@code R|ARMED} to FREE; if that CAS fails, an answer is being written and the slot must not be reused
 * until DONE is seen. Thread safety: workers of the server and the owning client's threads.
 */
public final class ResponseSlots {
    private final Memory memory;
    private final int clients;
    private final int slotsPerClient;
    private final int slotSize;
    private final int maxValueBytes;

    public ResponseSlots(Memory memory, int clients, int slotsPerClient, int slotSize, int maxValueBytes) {
        if (memory.capacity() < (long) clients * slotsPerClient * slotSize) {
            throw new IllegalArgumentException("memory too small for the response area");
        }
        this.memory = memory;
        this.clients = clients;
        this.slotsPerClient = slotsPerClient;
        this.slotSize = slotSize;
        this.maxValueBytes = maxValueBytes;
    }

    public int slotsPerClient() {
        return slotsPerClient;
    }

    public int maxValueBytes() {
        return maxValueBytes;
    }

    /** Whether {@code (client, slot)} names a slot of this area. */
    public boolean isValid(int client, int slot) {
        return client >= 0 && client < clients && slot >= 0 && slot < slotsPerClient;
    }

    private long slotOffset(int client, int slot) {
        if (!isValid(client, slot)) {
            throw new IndexOutOfBoundsException("response slot (" + client + ", " + slot + ") out of range");
        }
        return ((long) client * slotsPerClient + slot) * slotSize;
    }

    /** Sets every slot of {@code client} to FREE. Called by a client while registering. */
    public void reset(int client) {
        for (int s = 0; s < slotsPerClient; s++) {
            memory.putLong(slotOffset(client, s) + TICKET_OFFSET, TICKET_FREE);
        }
        memory.putLongVolatile(slotOffset(client, 0) + TICKET_OFFSET, TICKET_FREE);
    }

    // ---- client side

    public void arm(int client, int slot, long requestId) {
        memory.putLongRelease(slotOffset(client, slot) + TICKET_OFFSET, ticket(requestId, TICKET_ARMED));
    }

    public long ticketOf(int client, int slot) {
        return memory.getLongAcquire(slotOffset(client, slot) + TICKET_OFFSET);
    }

    /** Gives up waiting for {@code requestId}; false if an answer is already being written or done. */
    public boolean cancel(int client, int slot, long requestId) {
        return memory.compareAndSetLong(slotOffset(client, slot) + TICKET_OFFSET,
                ticket(requestId, TICKET_ARMED), TICKET_FREE);
    }

    public int status(int client, int slot) {
        return memory.getInt(slotOffset(client, slot) + STATUS_OFFSET);
    }

    /** The answer's value length, or -1 if the slot holds a length outside {@code [0, maxValueBytes]}. */
    public int valueLength(int client, int slot) {
        int length = memory.getInt(slotOffset(client, slot) + VALUE_LENGTH_OFFSET);
        return length < 0 || length > maxValueBytes ? -1 : length;
    }

    public byte[] readValue(int client, int slot, int length) {
        byte[] value = new byte[length];
        memory.getBytes(slotOffset(client, slot) + VALUE_OFFSET, value, 0, length);
        return value;
    }

    public void free(int client, int slot) {
        memory.putLongRelease(slotOffset(client, slot) + TICKET_OFFSET, TICKET_FREE);
    }

    // ---- server side

    /** Takes the right to answer {@code requestId}; false if the client no longer waits for it. */
    public boolean beginAnswer(int client, int slot, long requestId) {
        return memory.compareAndSetLong(slotOffset(client, slot) + TICKET_OFFSET,
                ticket(requestId, TICKET_ARMED), ticket(requestId, TICKET_WRITING));
    }

    /** Writes the answer; only after {@link #beginAnswer} returned true for the same request. */
    public void writeAnswer(int client, int slot, int status, byte[] value) {
        long offset = slotOffset(client, slot);
        memory.putInt(offset + STATUS_OFFSET, status);
        if (value == null) {
            memory.putInt(offset + VALUE_LENGTH_OFFSET, 0);
        } else {
            memory.putInt(offset + VALUE_LENGTH_OFFSET, value.length);
            memory.putBytes(offset + VALUE_OFFSET, value, 0, value.length);
        }
    }

    public void publishAnswer(int client, int slot, long requestId) {
        memory.putLongRelease(slotOffset(client, slot) + TICKET_OFFSET, ticket(requestId, TICKET_DONE));
    }
}
