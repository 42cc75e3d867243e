package io.agentstatebridge.bridge.engine;

import io.agentstatebridge.projections.apply.ApplyResult;
import io.agentstatebridge.projections.change.SourcePosition;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Running totals of what the bridge has applied, read by the CLI and the demo. */
public final class BridgeStats {
    private final AtomicLong changesApplied = new AtomicLong();
    private final AtomicLong batchesApplied = new AtomicLong();
    private final AtomicLong rejectedRows = new AtomicLong();
    private final AtomicLong applyNanos = new AtomicLong();
    private final AtomicReference<SourcePosition> lastPosition = new AtomicReference<>();
    private final AtomicReference<Instant> lastAppliedAt = new AtomicReference<>();

    void recordBatch(ApplyResult result, SourcePosition position) {
        changesApplied.addAndGet(result.changes());
        batchesApplied.incrementAndGet();
        rejectedRows.addAndGet(result.rejectedRows());
        applyNanos.addAndGet(result.nanos());
        lastPosition.set(position);
        lastAppliedAt.set(Instant.now());
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

    public Instant lastAppliedAt() {
        return lastAppliedAt.get();
    }
}
