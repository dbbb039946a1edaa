package io.concurrentkvs.core.internal.client;

import static io.concurrentkvs.core.internal.ring.RequestRingDescriptor.*;

import io.concurrentkvs.core.KvsException;
import io.concurrentkvs.core.internal.memory.Memory;
import io.concurrentkvs.core.internal.region.Processes;
import io.concurrentkvs.core.internal.region.Region;
import io.concurrentkvs.core.internal.region.RegionGeometry;
import io.concurrentkvs.core.internal.ring.RequestRing;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;
import org.jctools.queues.MpmcArrayQueue;

/**
 * One connection's registration in one region (one server epoch): its client-table entry, its response
 * slots, the free pool of slots and the in-flight bitmap the poller scans.
 *
 * <p>A session never outlives its region: when the server dies or restarts, the connection abandons the
 * session (failing what was pending) and registers a new one in the new region. Thread safety: sending
 * from any thread; completing from the poller or a thread waiting on a future (see
 * {@link PendingRequest}).
 */
final class Session {
    private static final VarHandle BITS = MethodHandles.arrayElementVarHandle(long[].class);

    final Region region;
    final RequestRing ring;
    final ClientTable clients;
    final ResponseSlots responses;
    final ClientTable.Registration registration;
    final long epoch;
    final int maxKeyBytes;
    final int maxValueBytes;
    final PendingRequest[] pendings;
    private final MpmcArrayQueue<PendingRequest> freeSlots;
    final long[] inFlightBits;
    /** Slots whose future was cancelled by the application; the poller frees them. */
    final long[] cancelledBits;
    private final AtomicLong nextSequence = new AtomicLong(1);

    /** Set when the connection abandons this session; senders re-check it after going in flight. */
    volatile boolean dead;

    private Session(Region region, ClientTable.Registration registration) {
        RegionGeometry g = region.geometry();
        this.region = region;
        this.ring = new RequestRing(region.ring(), g.ringCapacity(), g.ringSlotSize());
        this.clients = new ClientTable(region.clientTable(), g.clientCapacity());
        this.responses = new ResponseSlots(region.responses(), g.clientCapacity(), g.responseSlotsPerClient(),
                g.responseSlotSize(), g.maxValueBytes());
        this.registration = registration;
        this.epoch = region.epoch();
        this.maxKeyBytes = g.maxKeyBytes();
        this.maxValueBytes = g.maxValueBytes();
        int slots = g.responseSlotsPerClient();
        this.pendings = new PendingRequest[slots];
        this.freeSlots = new MpmcArrayQueue<>(Math.max(2, slots));
        for (int i = 0; i < slots; i++) {
            pendings[i] = new PendingRequest(this, i);
            freeSlots.offer(pendings[i]);
        }
        this.inFlightBits = new long[(slots + 63) / 64];
        this.cancelledBits = new long[(slots + 63) / 64];
    }

    /**
     * Registers this process in {@code region}'s client table.
     *
     * @throws KvsException if the table is full
     */
    static Session open(Region region) {
        ClientTable table = new ClientTable(region.clientTable(), region.geometry().clientCapacity());
        ClientTable.Registration registration =
                table.register(Processes.currentPid(), Processes.currentStartMillis(), System.currentTimeMillis());
        if (registration == null) {
            throw new KvsException("cannot connect to " + region.path() + ": all " + table.capacity()
                    + " client entries are in use (raise the server's maxClients)");
        }
        Session session = new Session(region, registration);
        session.responses.reset(registration.index());
        if (!table.activate(registration)) {
            throw new KvsException("client entry " + registration.index() + " of " + region.path()
                    + " was reclaimed while registering");
        }
        return session;
    }

    int clientIndex() {
        return registration.index();
    }

    /** Whether this session's client entry is still ours (the server may reap a frozen client). */
    boolean stillRegistered() {
        return clients.isActive(registration.index(), registration.generation());
    }

    void unregister() {
        clients.unregister(registration);
    }

    PendingRequest acquireSlot() {
        return freeSlots.relaxedPoll();
    }

    void releaseSlot(PendingRequest pending) {
        pending.future = null;
        pending.setState(PendingRequest.FREE);
        freeSlots.offer(pending);
    }

    long nextRequestId() {
        long sequence = nextSequence.getAndIncrement();
        if (sequence > RequestIds.MAX_SEQUENCE) {
            throw new KvsException("request ids of this registration are exhausted; reconnect");
        }
        return RequestIds.of(registration.generation(), sequence);
    }

    void markInFlight(int slot) {
        BITS.getAndBitwiseOr(inFlightBits, slot >>> 6, 1L << slot);
    }

    void clearInFlight(int slot) {
        BITS.getAndBitwiseAnd(inFlightBits, slot >>> 6, ~(1L << slot));
    }

    void markCancelled(int slot) {
        BITS.getAndBitwiseOr(cancelledBits, slot >>> 6, 1L << slot);
    }

    /** Takes (and clears) one word of cancellation marks. */
    long takeCancelled(int word) {
        if ((long) BITS.getVolatile(cancelledBits, word) == 0) {
            return 0;
        }
        return (long) BITS.getAndSet(cancelledBits, word, 0L);
    }

    long inFlightWord(int word) {
        return (long) BITS.getVolatile(inFlightBits, word);
    }

    boolean anyInFlight() {
        for (int i = 0; i < inFlightBits.length; i++) {
            if (inFlightWord(i) != 0) {
                return true;
            }
        }
        return false;
    }

    /** Claims a ring index for a request of this client; {@link RequestRing#FULL} if the ring is full. */
    long claim() {
        return ring.claim(registration.index());
    }

    /**
     * Writes the request into the claimed {@code index} and publishes it. If a worker skipped the index
     * as stalled (this thread was paused for seconds), claims a new index and sends again, until the
     * request's deadline; past it the request stays unsent and the poller times it out.
     */
    void publish(long index, long requestId, int slot, RequestFuture<?> f) {
        while (true) {
            write(index, requestId, slot, f);
            if (ring.publish(index)) {
                return;
            }
            do {
                if (System.nanoTime() - f.deadlineNanos >= 0) {
                    return;
                }
                Thread.onSpinWait();
                index = ring.claim(registration.index());
            } while (index == RequestRing.FULL);
        }
    }

    private void write(long index, long requestId, int slot, RequestFuture<?> f) {
        Memory m = ring.memory();
        long offset = ring.slotOffset(index);
        m.putLong(offset + REQUEST_ID_OFFSET, requestId);
        m.putInt(offset + RESPONSE_SLOT_OFFSET, slot);
        m.putInt(offset + OPCODE_OFFSET, f.opcode);
        m.putInt(offset + KEY_LENGTH_OFFSET, f.key.length);
        int valueLength = f.value == null ? 0 : f.value.length;
        m.putInt(offset + VALUE_LENGTH_OFFSET, valueLength);
        m.putBytes(offset + PAYLOAD_OFFSET, f.key, 0, f.key.length);
        if (valueLength > 0) {
            m.putBytes(offset + PAYLOAD_OFFSET + f.key.length, f.value, 0, valueLength);
        }
    }
}
