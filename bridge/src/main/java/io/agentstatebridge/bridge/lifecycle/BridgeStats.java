package io.agentstatebridge.bridge.lifecycle;

import io.agentstatebridge.bridge.snapshot.SourceSnapshot;
import io.agentstatebridge.projections.apply.ApplyResult;
import io.agentstatebridge.projections.change.SourcePosition;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * What the change stream reports as it goes: running totals and the last error for status and
 * metrics, snapshot progress, and the moves between STREAMING, PAUSED and RECONNECTING that its
 * progress makes in the {@link Lifecycle}. Written on the engine's thread (by the batch handler
 * and the snapshot), read on any; it keeps no history and decides nothing about stopping.
 */
public final class BridgeStats implements SourceSnapshot.Progress {
    /**
     * Five heartbeat intervals: a streaming connector delivers a heartbeat every second even when
     * the source is idle, so this much silence means the stream is interrupted.
     */
    static final Duration SILENCE_LIMIT = Duration.ofSeconds(5);

    private final Lifecycle lifecycle;
    private final String slot;
    private final Duration silenceLimit;
    private volatile boolean snapshotComplete;
    private volatile String lastError;
    // Guards the silence figures, so that a delivery and the check for silence cannot cross: a
    // delivery that has begun always ends RECONNECTING, never leaves it behind.
    private final Object silence = new Object();
    private volatile long lastReceivedNanos = System.nanoTime();
    private volatile boolean handling;
    private final Map<String, AtomicLong> snapshotRows = new ConcurrentHashMap<>();
    private final List<Consumer<ApplyResult>> batchObservers = new CopyOnWriteArrayList<>();
    private final AtomicLong changesApplied = new AtomicLong();
    private final AtomicLong batchesApplied = new AtomicLong();
    private final AtomicLong rejectedRows = new AtomicLong();
    private final AtomicLong applyNanos = new AtomicLong();
    private final AtomicReference<SourcePosition> lastPosition = new AtomicReference<>();

    /** @param slot the replication slot, named when the source goes quiet: changes wait there */
    public BridgeStats(Lifecycle lifecycle, String slot) {
        this(lifecycle, slot, SILENCE_LIMIT);
    }

    BridgeStats(Lifecycle lifecycle, String slot, Duration silenceLimit) {
        this.lifecycle = lifecycle;
        this.slot = slot;
        this.silenceLimit = silenceLimit;
    }

    /** A batch is committed on the read side. */
    public void recordBatch(ApplyResult result, SourcePosition position) {
        changesApplied.addAndGet(result.changes());
        batchesApplied.incrementAndGet();
        rejectedRows.addAndGet(result.rejectedRows());
        applyNanos.addAndGet(result.nanos());
        lastPosition.set(position);
        batchObservers.forEach(observer -> observer.accept(result));
    }

    /** Called with every applied batch, on the applying thread: keep it cheap. */
    public void observeBatches(Consumer<ApplyResult> observer) {
        batchObservers.add(observer);
    }

    @Override
    public void tableCopied(String table, long rows) {
        snapshotRows.computeIfAbsent(table, t -> new AtomicLong()).addAndGet(rows);
    }

    @Override
    public void retrying(String reason) {
        lastError(reason);
    }

    public void snapshotCompleted() {
        snapshotComplete = true;
    }

    /** True once a snapshot has been loaded. */
    public boolean snapshotComplete() {
        return snapshotComplete;
    }

    /**
     * What the stream is doing, as the batch handler sees it: STREAMING once a batch is applied,
     * PAUSED while the read side refuses one (after {@link #lastError(String)} says why). Cheap
     * when nothing changes: it is called for every batch.
     */
    public void activity(BridgeState state) {
        lifecycle.moveTo(state, state == BridgeState.PAUSED ? "is paused, retrying the batch: " + lastError : null);
    }

    /** Records what went wrong last, for operators; it stays shown after recovery, as the last error. */
    public void lastError(String error) {
        this.lastError = error;
    }

    /** The connector has delivered records (changes or heartbeats); handling them starts. */
    public void handlingStarted() {
        synchronized (silence) {
            lastReceivedNanos = System.nanoTime();
            handling = true;
            if (lifecycle.current() == BridgeState.RECONNECTING) {
                lifecycle.moveTo(state -> state == BridgeState.RECONNECTING, BridgeState.STREAMING,
                        "is streaming again: the source stream is back after " + lifecycle.timeInState().toSeconds()
                                + " s; catching up");
            }
        }
    }

    /** The records delivered are handled; the connector may deliver more. */
    public void handlingFinished() {
        synchronized (silence) {
            lastReceivedNanos = System.nanoTime();
            handling = false;
        }
    }

    /** How long the connector has delivered nothing while the bridge was waiting for it. */
    public Duration silence() {
        return handling ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - lastReceivedNanos);
    }

    /** Streaming, and nothing has come from the source for {@link #SILENCE_LIMIT}: {@link #checkSilence()} moves on. */
    public boolean silentTooLong() {
        return lifecycle.current() == BridgeState.STREAMING && silence().compareTo(silenceLimit) > 0;
    }

    /**
     * Moves STREAMING to RECONNECTING when the source has been silent too long; the next delivery
     * moves back. Called once a second, by the status reporter, which reads the source just before
     * so that the last error says why.
     */
    public void checkSilence() {
        synchronized (silence) {
            if (silentTooLong()) {
                lifecycle.moveTo(state -> state == BridgeState.STREAMING, BridgeState.RECONNECTING,
                        "has heard nothing from the source for " + silenceLimit.toSeconds() + " s, not even a heartbeat: "
                                + "it is unreachable or restarting (last error: " + lastError + "). The connector "
                                + "reconnects by itself with bounded backoff; changes committed meanwhile wait in "
                                + "replication slot " + slot + ".");
            }
        }
    }

    public String lastError() {
        return lastError;
    }

    /** Rows copied so far per table by the current snapshot. */
    public Map<String, Long> snapshotRows() {
        Map<String, Long> rows = new TreeMap<>();
        snapshotRows.forEach((table, count) -> rows.put(table, count.get()));
        return rows;
    }

    public long changesApplied() {
        return changesApplied.get();
    }

    public long batchesApplied() {
        return batchesApplied.get();
    }

    public long rejectedRows() {
        return rejectedRows.get();
    }

    public long applyNanos() {
        return applyNanos.get();
    }

    /** The position of the last applied batch, or null before the first. */
    public SourcePosition lastPosition() {
        return lastPosition.get();
    }
}
