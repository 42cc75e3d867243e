package io.agentstatebridge.bridge.engine;

import io.agentstatebridge.bridge.snapshot.SourceSnapshot;
import io.agentstatebridge.projections.apply.ApplyResult;
import io.agentstatebridge.projections.change.SourcePosition;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Running totals of what the bridge has applied, and what it is doing, for status and metrics. */
public final class BridgeStats implements SourceSnapshot.Progress {
    /**
     * What the change stream is doing. PAUSED: the read side is unreachable and the batch in hand
     * is being retried. RECONNECTING: nothing, not even a heartbeat, has come from the source for
     * {@link #SILENCE_LIMIT}: the source is unreachable or restarting and the connector is
     * reconnecting.
     */
    public enum Activity { STARTING, SNAPSHOTTING, STREAMING, PAUSED, RECONNECTING }

    /**
     * Five heartbeat intervals: a streaming connector delivers a heartbeat every second even when
     * the source is idle, so this much silence means the stream is interrupted.
     */
    public static final Duration SILENCE_LIMIT = Duration.ofSeconds(5);

    private volatile Activity activity = Activity.STARTING;
    private volatile boolean snapshotComplete;
    private volatile String lastError;
    private volatile long lastReceivedNanos = System.nanoTime();
    private volatile boolean handling;
    private final Map<String, AtomicLong> snapshotRows = new ConcurrentHashMap<>();
    private final List<Consumer<ApplyResult>> batchObservers = new CopyOnWriteArrayList<>();
    private final AtomicLong changesApplied = new AtomicLong();
    private final AtomicLong batchesApplied = new AtomicLong();
    private final AtomicLong rejectedRows = new AtomicLong();
    private final AtomicLong applyNanos = new AtomicLong();
    private final AtomicReference<SourcePosition> lastPosition = new AtomicReference<>();

    void recordBatch(ApplyResult result, SourcePosition position) {
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

    void snapshotCompleted() {
        snapshotComplete = true;
    }

    /** True once a snapshot has been loaded. */
    public boolean snapshotComplete() {
        return snapshotComplete;
    }

    void activity(Activity activity) {
        this.activity = activity;
    }

    /** Records what went wrong last, for operators; it stays shown after recovery, as the last error. */
    public void lastError(String error) {
        this.lastError = error;
    }

    /** The connector has delivered records (changes or heartbeats); handling them starts. */
    void handlingStarted() {
        lastReceivedNanos = System.nanoTime();
        handling = true;
    }

    /** The records delivered are handled; the connector may deliver more. */
    void handlingFinished() {
        lastReceivedNanos = System.nanoTime();
        handling = false;
    }

    /** How long the connector has delivered nothing while the bridge was waiting for it. */
    public Duration silence() {
        return handling ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - lastReceivedNanos);
    }

    public Activity activity() {
        Activity current = activity;
        if (current == Activity.STREAMING && silence().compareTo(SILENCE_LIMIT) > 0) {
            return Activity.RECONNECTING;
        }
        return current;
    }

    public String lastError() {
        return lastError;
    }

    /** Rows copied so far per table by the current snapshot. */
    public Map<String, Long> snapshotRows() {
        Map<String, Long> rows = new java.util.TreeMap<>();
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
