package io.agentstatebridge.tools.bench;

import io.agentstatebridge.tools.measure.ResidentSetSize;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples this JVM's heap in use and its resident set size (VmRSS from /proc/self/status; absent
 * off Linux) every 500 ms on a daemon thread, keeping the maxima. The bench runs the bridge in its
 * own JVM, so these are the bridge's figures plus the bench's small share; PostgreSQL runs in its
 * own processes and is not counted.
 */
final class MemorySampler implements AutoCloseable {

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final AtomicLong maxHeapBytes = new AtomicLong();
    private final AtomicLong maxRssBytes = new AtomicLong(-1);
    private final Thread thread;
    private volatile boolean running = true;

    MemorySampler() {
        thread = new Thread(this::sample, "bench-memory-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    long maxHeapBytes() {
        return maxHeapBytes.get();
    }

    /** Largest RSS seen, or -1 where /proc/self/status is not available. */
    long maxRssBytes() {
        return maxRssBytes.get();
    }

    static long heapLimitBytes() {
        return Runtime.getRuntime().maxMemory();
    }

    private void sample() {
        while (running) {
            maxHeapBytes.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
            long rss = ResidentSetSize.bytes();
            if (rss >= 0) {
                maxRssBytes.accumulateAndGet(rss, Math::max);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join();
        maxHeapBytes.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
    }
}
