package io.agentstatebridge.bridge.engine;

import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.bridge.lifecycle.BridgeStats;
import io.agentstatebridge.bridge.source.TransientFailures;
import io.agentstatebridge.projections.apply.ApplyResult;
import io.agentstatebridge.projections.apply.ProjectionApplier;
import io.agentstatebridge.projections.change.ChangeBatch;
import io.agentstatebridge.projections.change.RowChange;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Receives the connector's record batches and applies each as one read-side transaction; only
 * then are the records marked processed, so the replication slot never moves past unapplied data.
 *
 * <p>Batches end on source transaction boundaries, so the read side only ever shows states the
 * source committed: records of a transaction whose end has not arrived yet are held back and
 * applied with the next batch. Memory stays bounded: a transaction larger than
 * {@code maxHeldBack} records is applied in parts.
 *
 * <p>A primary-key change arrives as a DELETE and an INSERT that share one source offset. If a
 * batch ended between the two, the stored offset would already cover the INSERT and a restart
 * would skip it; such a trailing DELETE is therefore always held back. The two are applied as one
 * change, since the INSERT may leave out large values the row kept (see
 * {@link ChangeRecordMapper#keyChange}).
 *
 * <p>When the connector's task restarts inside the process (a lost source connection), it resumes
 * from the stored position and sends again, whole, the transaction it was in the middle of; the
 * part held back from before the restart is dropped rather than applied twice.
 */
final class BatchHandler implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {
    private static final Logger LOG = LoggerFactory.getLogger(BatchHandler.class);
    private static final Duration INITIAL_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final ProjectionApplier applier;
    private final ChangeRecordMapper mapper = new ChangeRecordMapper();
    private final BridgeStats stats;
    private final BooleanSupplier running;
    private final List<RecordChangeEvent<SourceRecord>> heldBack = new ArrayList<>();
    private final int maxHeldBack;
    private final AppliedOffset applied;

    BatchHandler(ProjectionApplier applier, AppliedOffset applied, BridgeStats stats, BooleanSupplier running,
                 int maxHeldBack) {
        this.applier = applier;
        this.applied = applied;
        this.maxHeldBack = maxHeldBack;
        this.stats = stats;
        this.running = running;
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
                            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        stats.handlingStarted();
        try {
            handle(records, committer);
        } finally {
            stats.handlingFinished();
        }
    }

    private void handle(List<RecordChangeEvent<SourceRecord>> records,
                        DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        List<RecordChangeEvent<SourceRecord>> pending = new ArrayList<>(heldBack.size() + records.size());
        pending.addAll(heldBack);
        pending.addAll(records);
        heldBack.clear();
        dropInterruptedTransactions(pending);

        int applyCount = endOfCommittedTransactions(pending);
        if (applyCount == 0 && pending.size() > maxHeldBack) {
            LOG.warn("a source transaction exceeds {} changes; applying it in parts, so readers may briefly see "
                    + "part of it", maxHeldBack);
            applyCount = pending.size();
        }
        if (applyCount > 0 && mapper.isFirstHalfOfKeyChange(pending.get(applyCount - 1).record())) {
            applyCount--;
        }
        heldBack.addAll(pending.subList(applyCount, pending.size()));
        if (applyCount == 0) {
            committer.markBatchFinished();
            return;
        }
        List<RecordChangeEvent<SourceRecord>> toApply = pending.subList(0, applyCount);
        ChangeBatch batch = toBatch(toApply);
        ApplyResult result = applyWithRetries(batch);
        applied.committed(batch.position().offset());
        stats.activity(BridgeState.STREAMING);
        stats.recordBatch(result, batch.position());
        for (RecordChangeEvent<SourceRecord> record : toApply) {
            committer.markProcessed(record);
        }
        committer.markBatchFinished();
    }

    /**
     * Removes the records of a transaction that a BEGIN interrupts: only a task restart does that,
     * and the restarted task sends the transaction again from its BEGIN.
     */
    private void dropInterruptedTransactions(List<RecordChangeEvent<SourceRecord>> records) {
        int openBegin = -1;
        for (int i = 0; i < records.size(); i++) {
            switch (mapper.transactionMarker(records.get(i).record())) {
                case BEGIN -> {
                    if (openBegin >= 0) {
                        LOG.info("the connector resent a transaction after restarting; dropping the {} records of it "
                                + "held from before the restart", i - openBegin);
                        records.subList(openBegin, i).clear();
                        i = openBegin;
                    }
                    openBegin = i;
                }
                case END -> openBegin = -1;
                case NONE -> { }
            }
        }
    }

    /** How many leading records end outside any open source transaction. */
    private int endOfCommittedTransactions(List<RecordChangeEvent<SourceRecord>> records) {
        boolean inTransaction = false;
        int end = 0;
        for (int i = 0; i < records.size(); i++) {
            switch (mapper.transactionMarker(records.get(i).record())) {
                case BEGIN -> inTransaction = true;
                case END -> inTransaction = false;
                case NONE -> { }
            }
            if (!inTransaction) {
                end = i + 1;
            }
        }
        return end;
    }

    private ChangeBatch toBatch(List<RecordChangeEvent<SourceRecord>> records) {
        List<RowChange> changes = new ArrayList<>(records.size());
        SourceRecord keyChangeStart = null;
        for (RecordChangeEvent<SourceRecord> event : records) {
            SourceRecord record = event.record();
            if (keyChangeStart != null) {
                changes.add(mapper.keyChange(keyChangeStart, record));
                keyChangeStart = null;
            } else if (mapper.isFirstHalfOfKeyChange(record)) {
                keyChangeStart = record; // the INSERT half follows, always in the same batch (see the class comment)
            } else {
                mapper.toChange(record).ifPresent(changes::add);
            }
        }
        if (keyChangeStart != null) {
            throw new IllegalStateException("a batch ended between the two records of a key change");
        }
        return new ChangeBatch(changes, mapper.position(records.get(records.size() - 1).record()));
    }

    /**
     * Applies the batch, retrying while the read side is unreachable: the batch is one transaction,
     * so a failed attempt leaves nothing behind. Waits grow from INITIAL_BACKOFF to MAX_BACKOFF, so
     * a long outage costs one attempt (and at most one log line) every few seconds.
     */
    private ApplyResult applyWithRetries(ChangeBatch batch) throws InterruptedException {
        Duration backoff = INITIAL_BACKOFF;
        long started = System.nanoTime();
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                ApplyResult result = applier.apply(batch);
                if (attempt > 1) {
                    LOG.info("the read side is reachable again: batch applied after {} attempts over {} s; streaming resumes",
                            attempt, Math.round((System.nanoTime() - started) / 1e9));
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                stats.lastError("read side: " + e.getMessage());
                if (!TransientFailures.isTransient(e) || !running.getAsBoolean()) {
                    throw new ApplyFailedException("applying " + batch.changes().size()
                            + " changes to the read side failed and retrying cannot help: " + e.getMessage(), e);
                }
                stats.activity(BridgeState.PAUSED);
                if (attempt == 1 || backoff.equals(MAX_BACKOFF)) {
                    LOG.warn("the read side is unavailable ({}); retrying the batch (attempt {}), next in {} ms",
                            e.getMessage(), attempt, backoff.toMillis());
                }
                Thread.sleep(backoff.toMillis());
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /** A batch the read side rejected for good; the bridge stops rather than skip data. */
    static final class ApplyFailedException extends RuntimeException {
        ApplyFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
