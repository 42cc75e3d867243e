package io.agentstatebridge.tools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The resident set of another process, from Linux's /proc/&lt;pid&gt;/status: VmRSS sampled every
 * 200 ms on a daemon thread (the largest kept), and VmHWM, the kernel's own peak, read when asked
 * and at every sample (so the last value survives the process). -1 where /proc does not tell.
 */
final class ProcessMemory implements AutoCloseable {
    private static final long INTERVAL_MILLIS = 200;

    private final Path status;
    private final Thread thread;
    private volatile long maxRssBytes = -1;
    private volatile long peakBytes = -1;
    private volatile boolean running = true;

    ProcessMemory(long pid) {
        this.status = Path.of("/proc", String.valueOf(pid), "status");
        thread = new Thread(this::sample, "bench-memory-" + pid);
        thread.setDaemon(true);
        thread.start();
    }

    /** Largest VmRSS sampled. */
    long maxRssBytes() {
        return maxRssBytes;
    }

    /** VmHWM: the peak resident set the kernel saw, between samples too. */
    long peakBytes() {
        read();
        return peakBytes;
    }

    private void sample() {
        while (running) {
            read();
            try {
                Thread.sleep(INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void read() {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    maxRssBytes = Math.max(maxRssBytes, kilobytes(line) * 1024);
                } else if (line.startsWith("VmHWM:")) {
                    peakBytes = Math.max(peakBytes, kilobytes(line) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process has exited, or this is not Linux: the figures stay as they were
        }
    }

    private static long kilobytes(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        Interruptions.join(thread);
    }
}
