package io.concurrentkvs.core.internal.layout;

import static io.concurrentkvs.core.internal.layout.ClientTableDescriptor.*;

import io.concurrentkvs.core.internal.memory.Memory;

/**
 * The table of connected clients ({@link ClientTableDescriptor}): clients claim and release entries,
 * the server reaps the entries of dead clients.
 *
 * <p>An entry changes state only by CAS on its state word, and every claim increments the generation,
 * so a reaper and a re-registering client can never both believe they own the same generation.
 * Thread safety: any thread of any process.
 */
public final class ClientTable {
    /** Largest generation a request id can carry (see {@link RequestIds}). */
    public static final long MAX_GENERATION = RequestIds.MAX_GENERATION;

    private final Memory memory;
    private final int capacity;

    public ClientTable(Memory memory, int capacity) {
        if (memory.capacity() < (long) capacity * ENTRY_SIZE) {
            throw new IllegalArgumentException("memory too small for " + capacity + " client entries");
        }
        this.memory = memory;
        this.capacity = capacity;
    }

    public int capacity() {
        return capacity;
    }

    private static long entry(int index) {
        return (long) index * ENTRY_SIZE;
    }

    /**
     * Claims a free entry for the process {@code pid}.
     *
     * @return the claim, or {@code null} if every entry is in use
     */
    public Registration register(long pid, long processStartMillis, long nowMillis) {
        for (int i = 0; i < capacity; i++) {
            long word = stateWord(i);
            if (state(word) != STATE_FREE) {
                continue;
            }
            long generation = (generation(word) + 1) & MAX_GENERATION;
            if (generation == 0) {
                generation = 1;
            }
            if (!memory.compareAndSetLong(
                    entry(i) + STATE_WORD_OFFSET,
                    word,
                    ClientTableDescriptor.stateWord(generation, STATE_REGISTERING))) {
                continue;
            }
            memory.putLong(entry(i) + PID_OFFSET, pid);
            memory.putLong(entry(i) + PROCESS_START_OFFSET, processStartMillis);
            memory.putLong(entry(i) + HEARTBEAT_OFFSET, nowMillis);
            return new Registration(i, generation);
        }
        return null;
    }

    /** Marks a registration complete, after the client has reset its response slots. */
    public boolean activate(Registration registration) {
        return memory.compareAndSetLong(
                entry(registration.index()) + STATE_WORD_OFFSET,
                ClientTableDescriptor.stateWord(registration.generation(), STATE_REGISTERING),
                ClientTableDescriptor.stateWord(registration.generation(), STATE_ACTIVE));
    }

    /** Releases an entry the caller owns; false if it was already reaped. */
    public boolean unregister(Registration registration) {
        long word = stateWord(registration.index());
        if (generation(word) != registration.generation() || state(word) == STATE_FREE) {
            return false;
        }
        return memory.compareAndSetLong(
                entry(registration.index()) + STATE_WORD_OFFSET,
                word,
                ClientTableDescriptor.stateWord(registration.generation(), STATE_FREE));
    }

    /** Frees an entry if its state word is still {@code expectedWord}. Called by the server's reaper. */
    public boolean reclaim(int index, long expectedWord) {
        return memory.compareAndSetLong(
                entry(index) + STATE_WORD_OFFSET,
                expectedWord,
                ClientTableDescriptor.stateWord(generation(expectedWord), STATE_FREE));
    }

    public void heartbeat(int index, long nowMillis) {
        memory.putLongRelease(entry(index) + HEARTBEAT_OFFSET, nowMillis);
    }

    public long stateWord(int index) {
        checkIndex(index);
        return memory.getLongVolatile(entry(index) + STATE_WORD_OFFSET);
    }

    /** Whether entry {@code index} is active with {@code generation}; false for out-of-range indices. */
    public boolean isActive(int index, long generation) {
        if (index < 0 || index >= capacity) {
            return false;
        }
        return stateWord(index) == ClientTableDescriptor.stateWord(generation, STATE_ACTIVE);
    }

    public long pid(int index) {
        checkIndex(index);
        return memory.getLong(entry(index) + PID_OFFSET);
    }

    public long processStartMillis(int index) {
        checkIndex(index);
        return memory.getLong(entry(index) + PROCESS_START_OFFSET);
    }

    public long heartbeatOf(int index) {
        checkIndex(index);
        return memory.getLongAcquire(entry(index) + HEARTBEAT_OFFSET);
    }

    /** Entries currently registering or active. */
    public int connectedCount() {
        int count = 0;
        for (int i = 0; i < capacity; i++) {
            if (state(stateWord(i)) != STATE_FREE) {
                count++;
            }
        }
        return count;
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= capacity) {
            throw new IndexOutOfBoundsException("client index " + index + " outside [0, " + capacity + ")");
        }
    }

    /** An entry a client claimed: its index and the generation stamped on everything it sends. */
    public record Registration(int index, long generation) {}
}
