package io.concurrentkvs.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The commands a test sends to a child program, one per line on standard input, read by a daemon
 * thread. End of input (the test closed the pipe, or died) is reported as the command {@link #EOF}, so
 * a child never outlives its test by waiting on a pipe nobody writes to.
 */
public final class Stdin {
    /** Delivered once when standard input is closed. */
    public static final String EOF = "<eof>";

    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private Stdin() {}

    /** Starts the reader thread. Call once per program. */
    public static Stdin start() {
        Stdin stdin = new Stdin();
        Thread reader = new Thread(stdin::readAll, "stdin-reader");
        reader.setDaemon(true);
        reader.start();
        return stdin;
    }

    private void readAll() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line.trim());
            }
        } catch (IOException e) {
            // Treated like end of input: the test side is gone.
        }
        lines.add(EOF);
    }

    /** Blocks for the next command; {@link #EOF} once input has ended (and forever after). */
    public String next() throws InterruptedException {
        String line = lines.take();
        if (line.equals(EOF)) {
            lines.add(EOF);
        }
        return line;
    }

    /** The next command if one has arrived, else null. Never blocks. */
    public String poll() {
        String line = lines.poll();
        if (EOF.equals(line)) {
            lines.add(EOF);
        }
        return line;
    }

    /** Blocks until {@code command} (or end of input, which throws) arrives, dropping other lines. */
    public void awaitCommand(String command) throws InterruptedException {
        String line;
        while (!(line = next()).equals(command)) {
            if (line.equals(EOF)) {
                throw new IllegalStateException("standard input ended while waiting for '" + command + "'");
            }
        }
    }

    /** Prints one report line and flushes, so that a test polling the output file sees it at once. */
    public static void report(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
