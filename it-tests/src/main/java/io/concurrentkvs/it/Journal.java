package io.concurrentkvs.it;

import io.concurrentkvs.it.CandidateModel.Op;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A client's record of what it sent and what it was told, written so that it survives {@code kill -9}
 * of the client: every batch of lines goes to the file in one unbuffered write (the kernel keeps what
 * was written when the process dies), intents before the requests are sent, outcomes after.
 *
 * <pre>
 *   I &lt;op&gt; &lt;key&gt; =&lt;value&gt;              intent, before sending
 *   A &lt;op&gt; &lt;key&gt; =&lt;value&gt; &lt;answer&gt; @&lt;ms&gt; acknowledged: true, false, =&lt;value&gt; or &lt;absent&gt;
 *   F &lt;op&gt; &lt;key&gt; =&lt;value&gt;              failed with an exception
 * </pre>
 *
 * Keys and values contain no spaces or newlines. {@code <ms>} is the wall-clock time
 * ({@link System#currentTimeMillis()}, comparable across the processes of one machine) at which the client
 * took the answer from its future: never before the server acknowledged the write, so "acknowledged
 * before T" read from the journal is true of the server too. {@link #replay} rebuilds the {@link
 * CandidateModel}: an intent with no outcome (the client died in between) counts as failed, which is
 * exactly the uncertainty a killed client leaves. A last line without its newline is ignored.
 * Single-threaded.
 */
public final class Journal implements AutoCloseable {
    private final FileOutputStream out;
    private final StringBuilder pending = new StringBuilder();

    public Journal(Path path) {
        try {
            this.out = new FileOutputStream(path.toFile(), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open journal " + path, e);
        }
    }

    public void intent(Op op, String key, String value) {
        pending.append("I ")
                .append(op)
                .append(' ')
                .append(key)
                .append(" =")
                .append(value)
                .append('\n');
    }

    public void acknowledged(Op op, String key, String value, Object answer) {
        pending.append("A ")
                .append(op)
                .append(' ')
                .append(key)
                .append(" =")
                .append(value)
                .append(' ')
                .append(encodeAnswer(answer))
                .append(" @")
                .append(System.currentTimeMillis())
                .append('\n');
    }

    public void failed(Op op, String key, String value) {
        pending.append("F ")
                .append(op)
                .append(' ')
                .append(key)
                .append(" =")
                .append(value)
                .append('\n');
    }

    /** Writes the lines recorded since the last flush in one {@code write} call. */
    public void flush() {
        if (pending.length() == 0) {
            return;
        }
        try {
            out.write(pending.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write journal", e);
        }
        pending.setLength(0);
    }

    @Override
    public void close() {
        flush();
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String encodeAnswer(Object answer) {
        if (answer instanceof Optional<?> o) {
            return o.map(v -> "=" + v).orElse(CandidateModel.ABSENT);
        }
        return answer.toString();
    }

    /** The time of an acknowledgement line; a line of an older journal, without one, counts as long ago. */
    private static long acknowledgedAt(String[] fields) {
        if (fields.length < 6 || !fields[5].startsWith("@")) {
            return Long.MIN_VALUE;
        }
        return Long.parseLong(fields[5].substring(1));
    }

    private static Object decodeAnswer(Op op, String text) {
        if (op == Op.GET) {
            return text.equals(CandidateModel.ABSENT) ? Optional.empty() : Optional.of(text.substring(1));
        }
        return Boolean.parseBoolean(text);
    }

    /** What a replay found: the model, acknowledged operations, and answers the model did not allow. */
    public record Replay(CandidateModel model, long acknowledged, long failed, long unfinished, long mismatches) {}

    /** Rebuilds the model from a journal file. */
    public static Replay replay(Path path) throws IOException {
        return replay(path, Long.MAX_VALUE);
    }

    /**
     * Rebuilds the model as a store that may have lost every write acknowledged at or after
     * {@code certainBeforeMillis} (wall clock) must allow: an answer taken before that time narrows the
     * model as usual, a later one counts as failed (its write may or may not be there). Losing a suffix
     * of the writes is what a log fsynced on a schedule allows, and every state such a loss can leave is
     * among the candidates; a value never written never is. The {@code mismatches} are still counted
     * against the full model: they are answers the client saw, whatever the store lost later.
     */
    public static Replay replay(Path path, long certainBeforeMillis) throws IOException {
        String text = Files.readString(path, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n') + 1; // drop a torn last line
        CandidateModel model = new CandidateModel();
        // The client's own view, to count its mismatches; equal to model while no answer is too recent.
        CandidateModel seen = certainBeforeMillis == Long.MAX_VALUE ? model : new CandidateModel();
        Map<String, String[]> inFlight = new HashMap<>();
        long acknowledged = 0;
        long failed = 0;
        long mismatches = 0;
        for (String line : text.substring(0, end).split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(" ", -1);
            Op op = Op.valueOf(f[1]);
            String key = f[2];
            String value = f[3].substring(1);
            switch (f[0]) {
                case "I" -> inFlight.put(key, f);
                case "A" -> {
                    inFlight.remove(key);
                    acknowledged++;
                    Object answer = decodeAnswer(op, f[4]);
                    if (!seen.acknowledged(op, key, value, answer)) {
                        mismatches++;
                    }
                    if (seen != model) {
                        if (acknowledgedAt(f) < certainBeforeMillis) {
                            model.acknowledged(op, key, value, answer);
                        } else {
                            model.failed(op, key, value);
                        }
                    }
                }
                case "F" -> {
                    inFlight.remove(key);
                    failed++;
                    model.failed(op, key, value);
                    if (seen != model) {
                        seen.failed(op, key, value);
                    }
                }
                default -> throw new IllegalStateException("bad journal line in " + path + ": " + line);
            }
        }
        for (String[] f : inFlight.values()) {
            model.failed(Op.valueOf(f[1]), f[2], f[3].substring(1));
        }
        return new Replay(model, acknowledged, failed, inFlight.size(), mismatches);
    }
}
