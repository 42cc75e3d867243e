package io.agentstatebridge.bridge.engine;

import io.agentstatebridge.projections.apply.ApplyResult;
import io.agentstatebridge.projections.change.SourcePosition;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Running totals of what the bridge has applied, and what it is doing, for status and metrics. */
public final class BridgeStats {
    /** What the change stream is doing. */
    public enum Activity { STARTING, SNAPSHOTTING, STREAMING, PAUSED }

    private volatile Activity activity = Activity.STARTING;
    private volatile boolean snapshotComplete;
    private volatile String lastError;
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

    void recordSnapshotRows(String table, long rows) {
        snapshotRows.computeIfAbsent(table, t -> new AtomicLong()).addAndGet(rows);
    }

    void snapshotCompleted() {
        snapshotComplete = true;
    }

    /** True once a snapshot's last batch has been applied. */
    public boolean snapshotComplete() {
        return snapshotComplete;
    }

    void activity(Activity activity) {
        this.activity = activity;
    }

    void lastError(String error) {
        this.lastError = error;
    }

    public Activity activity() {
        return activity;
    }

    public String lastError() {
        return lastError;
    }

    /** Rows received so far per table in the current snapshot. */
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
