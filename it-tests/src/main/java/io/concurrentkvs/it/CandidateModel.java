package io.concurrentkvs.it;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a store may hold for each key of one client, given the answers that client saw: usually exactly
 * one state, several when a write failed (a write that failed with an exception may or may not have been
 * applied, so both outcomes stay possible until a later answer decides).
 *
 * <p>A key's state is its value, or {@link #ABSENT}. Rules, for one request at a time per key:
 * <ul>
 *   <li>an acknowledged answer must be possible in some candidate state (else it is a mismatch), and it
 *       narrows the candidates: GET to what it saw, SET to its value, POST/DEL by what they reported;
 *   <li>a failed write adds its outcome to the candidates; a failed GET changes nothing.
 * </ul>
 * Used live by {@link LoadClientMain} and, replaying a {@link Journal}, by tests after a client was
 * killed. Single-threaded.
 */
public final class CandidateModel {
    /** The state of an absent key; values never start with '<'. */
    public static final String ABSENT = "<absent>";

    /** The operations of the store. */
    public enum Op {
        GET,
        SET,
        POST,
        DEL
    }

    private final Map<String, Set<String>> candidates = new HashMap<>();

    /** The states {@code key} may be in now; {@link #ABSENT} alone for a key never written. */
    public Set<String> candidates(String key) {
        return candidates.getOrDefault(key, Set.of(ABSENT));
    }

    /** Keys ever touched. */
    public Set<String> keys() {
        return candidates.keySet();
    }

    /** Whether the store's state of {@code key} could be {@code state}. */
    public boolean allows(String key, String state) {
        return candidates(key).contains(state);
    }

    /**
     * Records an answer and says whether it was possible. {@code answer} is an {@code Optional<String>}
     * for GET and a {@code Boolean} otherwise. After a mismatch the model follows the answer, so one
     * error is counted once.
     */
    public boolean acknowledged(Op op, String key, String value, Object answer) {
        Set<String> now = candidates(key);
        boolean consistent;
        Set<String> next;
        switch (op) {
            case GET -> {
                String seen = ((Optional<?>) answer).map(String.class::cast).orElse(ABSENT);
                consistent = now.contains(seen);
                next = Set.of(seen);
            }
            case SET -> {
                consistent = Boolean.TRUE.equals(answer);
                next = Set.of(value);
            }
            case POST -> {
                if ((Boolean) answer) {
                    consistent = now.contains(ABSENT);
                    next = Set.of(value);
                } else {
                    consistent = hasValue(now);
                    next = without(now, ABSENT);
                }
            }
            case DEL -> {
                consistent = (Boolean) answer ? hasValue(now) : now.contains(ABSENT);
                next = Set.of(ABSENT);
            }
            default -> throw new IllegalArgumentException("unknown op " + op);
        }
        candidates.put(key, next.isEmpty() ? Set.of(ABSENT) : next);
        return consistent;
    }

    /** Records a request that failed with an exception: a write may or may not have been applied. */
    public void failed(Op op, String key, String value) {
        Set<String> now = candidates(key);
        Set<String> next = new HashSet<>(now);
        switch (op) {
            case GET -> {}
            case SET -> next.add(value);
            case POST -> {
                if (now.contains(ABSENT)) {
                    next.add(value);
                }
            }
            case DEL -> next.add(ABSENT);
            default -> throw new IllegalArgumentException("unknown op " + op);
        }
        candidates.put(key, Set.copyOf(next));
    }

    private static boolean hasValue(Set<String> states) {
        return states.stream().anyMatch(s -> !s.equals(ABSENT));
    }

    private static Set<String> without(Set<String> states, String state) {
        Set<String> copy = new HashSet<>(states);
        copy.remove(state);
        return Set.copyOf(copy);
    }
}
