package io.agentstatebridge.tools.bench;

/**
 * Waiting inside {@code close()}: a close that is interrupted still finishes its work and leaves
 * the interrupt for the caller to see, so that a try-with-resources never skips a resource's close
 * and an interrupted bench still stops everything it started.
 */
final class Interruptions {
    private Interruptions() {
    }

    /** Waits for {@code thread} to end; when interrupted, stops waiting and re-asserts the interrupt. */
    static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
