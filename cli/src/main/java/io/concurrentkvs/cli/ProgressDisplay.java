package io.concurrentkvs.cli;

import java.io.PrintWriter;

/**
 * Shows progress lines on a writer. On a terminal, one line redrawn in place with a carriage return
 * (padded with spaces to wipe a longer previous line); elsewhere (a file, a pipe, CI logs) one plain line
 * per update, so logs stay readable. Not thread-safe: updated from one thread at a time.
 */
final class ProgressDisplay {
    private final PrintWriter out;
    private final boolean terminal;
    private int previousLength;
    private boolean lineOpen;

    ProgressDisplay(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Whether this display redraws one line in place. */
    boolean redraws() {
        return terminal;
    }

    /** Shows {@code line} as the current progress. */
    void update(String line) {
        if (terminal) {
            out.print('\r');
            out.print(line);
            for (int i = line.length(); i < previousLength; i++) {
                out.print(' ');
            }
            previousLength = line.length();
            lineOpen = true;
        } else {
            out.println("progress " + line);
        }
        out.flush();
    }

    /** Ends the redrawn line so that what follows starts on a line of its own. */
    void finish() {
        if (lineOpen) {
            out.println();
            out.flush();
            lineOpen = false;
        }
    }
}
