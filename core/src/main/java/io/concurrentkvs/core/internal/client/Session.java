package io.concurrentkvs.core.internal.client;

import io.concurrentkvs.core.KvsCapacityException;
import io.concurrentkvs.core.KvsException;
import io.concurrentkvs.core.internal.layout.ClientTable;
import io.concurrentkvs.core.internal.layout.ResponseSlots;
import io.concurrentkvs.core.internal.region.Processes;
import io.concurrentkvs.core.internal.region.Region;
import io.concurrentkvs.core.internal.region.RegionGeometry;

/**
 * One connection's registration in one region (one server epoch): its client-table entry, the views of
 * the region it sends through, and the {@link Dispatcher} that owns its in-flight state.
 *
 * <p>A session never outlives its region: when the server dies or restarts, the connection abandons the
 * session (failing what was pending) and registers a new one in the new region. Successive sessions on
 * one server (after a pause) share one mapping and its {@link #guard}. Threads without the drive token
 * read {@link #region} only inside {@code guard.enter()}/{@code exit()}: the poller unmaps a mapping it
 * has retired. Immutable apart from its dispatcher, which has a single owner at a time.
 */
final class Session {
    final Region region;
    /** Guards {@link #region}'s mapping against readers that do not hold the drive token. */
    final MappingGuard guard;

    final ClientTable clients;
    final ClientTable.Registration registration;
    final long epoch;
    final int maxKeyBytes;
    final int maxValueBytes;
    final Dispatcher dispatcher;

    private Session(
            Region region,
            MappingGuard guard,
            ClientTable clients,
            ClientTable.Registration registration,
            ResponseSlots responses) {
        RegionGeometry g = region.geometry();
        this.region = region;
        this.guard = guard;
        this.clients = clients;
        this.registration = registration;
        this.epoch = region.epoch();
        this.maxKeyBytes = g.maxKeyBytes();
        this.maxValueBytes = g.maxValueBytes();
        this.dispatcher =
                new Dispatcher(region.ring(), responses, guard, registration.index(), registration.generation());
    }

    /**
     * Registers this process in {@code region}'s client table. Poller (or the connecting thread, before
     * the poller starts), with {@code guard} not retired.
     *
     * @throws KvsCapacityException if the table is full
     * @throws KvsException if the entry could not be taken for another reason
     */
    static Session open(Region region, MappingGuard guard) {
        ClientTable table = region.clientTable();
        ClientTable.Registration registration =
                table.register(Processes.currentPid(), Processes.currentStartMillis(), System.currentTimeMillis());
        if (registration == null) {
            throw new KvsCapacityException("cannot connect to " + region.path() + ": all " + table.capacity()
                    + " client entries are in use (raise the server's maxClients)");
        }
        ResponseSlots responses = region.responseSlots();
        try {
            responses.reset(registration.index());
        } catch (IllegalStateException contended) {
            table.unregister(registration);
            throw new KvsException("cannot connect to " + region.path() + ": " + contended.getMessage()
                    + " (another process is writing into client entry " + registration.index() + ")");
        }
        if (!table.activate(registration)) {
            throw new KvsException("client entry " + registration.index() + " of " + region.path()
                    + " was reclaimed while registering");
        }
        return new Session(region, guard, table, registration, responses);
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
}
