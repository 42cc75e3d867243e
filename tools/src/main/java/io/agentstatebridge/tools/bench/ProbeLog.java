package io.agentstatebridge.tools.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * When each probe's commit returned to its writer and when a reader of the read side first saw
 * it, both on this JVM's monotonic clock (so neither server's clock enters a figure). Probes are
 * numbered from 1 in commit order. Thread-safe: one writer, one watcher and readers.
 */
final class ProbeLog {
    private long[] committed = new long[1024];
    private long[] visible = new long[1024];
    private long lastCommitted;
    private long lastVisible;

    /** One probe's visibility lag; {@code censored} when it was not visible yet and {@code lagMillis} is a lower bound. */
    record Sample(double atSeconds, double lagMillis, boolean censored) {
    }

    synchronized void committed(long probe, long nanos) {
        ensure(probe);
        committed[(int) probe] = nanos;
        lastCommitted = Math.max(lastCommitted, probe);
    }

    /** Every probe up to {@code probe} is visible as of {@code nanos} (when the poll that saw it started). */
    synchronized void visibleUpTo(long probe, long nanos) {
        ensure(probe);
        for (long p = lastVisible + 1; p <= probe; p++) {
            visible[(int) p] = nanos;
        }
        lastVisible = Math.max(lastVisible, probe);
        notifyAll();
    }

    synchronized long lastVisible() {
        return lastVisible;
    }

    synchronized long lastCommitted() {
        return lastCommitted;
    }

    /** When the poll that first saw {@code probe} started, or -1 while it is not visible. */
    synchronized long visibleAt(long probe) {
        return probe <= lastVisible ? visible[(int) probe] : -1;
    }

    /** Waits up to {@code millis} for a change of what is visible. */
    synchronized void awaitChange(long millis) throws InterruptedException {
        wait(millis);
    }

    /** How long the oldest committed probe not yet visible has waited, or 0 when every committed probe is visible. */
    synchronized long oldestInvisibleNanos(long now) {
        long next = lastVisible + 1;
        if (next > lastCommitted || committed[(int) next] == 0) {
            return 0;
        }
        return now - committed[(int) next];
    }

    /**
     * The lag of every probe committed in [{@code fromNanos}, {@code toNanos}); probes not visible
     * by {@code nowNanos} count with their wait so far, marked censored. A probe seen by a poll that
     * started before its commit returned (the reply and the poll raced) counts as 0.
     */
    synchronized List<Sample> samples(long fromNanos, long toNanos, long nowNanos) {
        List<Sample> samples = new ArrayList<>();
        for (long p = 1; p <= lastCommitted; p++) {
            long at = committed[(int) p];
            if (at == 0 || at < fromNanos || at >= toNanos) {
                continue;
            }
            boolean seen = p <= lastVisible;
            long lag = (seen ? visible[(int) p] : nowNanos) - at;
            samples.add(new Sample((at - fromNanos) / 1e9, Math.max(0, lag) / 1e6, !seen));
        }
        return samples;
    }

    private void ensure(long probe) {
        if (probe >= committed.length) {
            int size = (int) Math.max(probe + 1, committed.length * 2L);
            committed = Arrays.copyOf(committed, size);
            visible = Arrays.copyOf(visible, size);
        }
    }
}
