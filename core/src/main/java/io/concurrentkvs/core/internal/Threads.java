package io.concurrentkvs.core.internal;

/** Thread helpers the server's and client's lifecycle code share. Stateless. */
public final class Threads {
    private Threads() {}

    /**
     * Waits until {@code thread} has ended, however often the caller is interrupted meanwhile, and then
     * restores the caller's interrupt status. For stopping our own threads, which always end once told to: a
     * stop that gave up on an interrupt would let the caller unmap or close what the thread still uses.
     */
    public static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
