package io.agentstatebridge.bridge.engine;

import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.bridge.lifecycle.BridgeStats;
import io.agentstatebridge.bridge.source.SlotGuard;
import io.agentstatebridge.bridge.source.TransientFailures;
import io.agentstatebridge.projections.apply.ApplyResult;
import io.agentstatebridge.projections.apply.ProjectionApplier;
import io.agentstatebridge.projections.apply.ReadSideTransaction;
import io.agentstatebridge.projections.change.RowChange;
import io.agentstatebridge.projections.change.SourcePosition;
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
 * Turns the connector's records into read-side transactions, each ending at the end of a source
 * transaction, so that readers only ever see states the source committed.
 *
 * <p>Batches grow with the backlog: the changes of whole source transactions are gathered across
 * the connector's deliveries, and applied together as soon as the connector has nothing more
 * queued (a delivery smaller than it could be) or they reach {@code maxBatchSize} changes. Caught
 * up, each delivery is applied at once and lag stays at the connector's polling pace; behind, one
 * read-side transaction covers many source transactions, so the work per session group and per
 * agent is paid once per batch rather than once per event.
 *
 * <p>Batches are limited in memory too ({@link #MAX_BATCH_BYTES}). A source transaction larger than a
 * batch is written in parts into one open
 * read-side transaction and committed when its end arrives: it becomes visible in one step however
 * large it is, and memory holds one part. If that transaction cannot finish (the read side goes
 * away in the middle), what it wrote is rolled back and the connector is made to start again from
 * the stored position ({@link ResendRequired}), since the parts written are no longer in memory.
 *
 * <p>A primary-key change arrives as a DELETE and an INSERT; the two are joined into one change as
 * they arrive, since the INSERT may leave out large values the row kept (see
 * {@link ChangeRecordMapper#keyChange}).
 *
 * <p>When the connector's task restarts inside the process (a lost source connection), it resumes
 * from the position committed last and sends again whatever followed. Transactions already held
 * here are recognised by their commit position and not taken twice, and a transaction it was in
 * the middle of arrives again from its BEGIN: the part held from before is dropped.
 *
 * <p>Complete batches are applied by an {@link ApplyWorker} while the next is gathered here; a large
 * transaction is only written once the worker has committed everything before it, so read-side
 * commits follow source order. The connector confirms to the slot only what {@link AppliedOffset}
 * says was committed, so records are marked processed as they are delivered: that only lets its
 * periodic commit run. Runs on the engine's thread, but for the worker's.
 */
final class BatchHandler implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchHandler.class);
    private static final Duration INITIAL_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    private static final Duration FINISH_WAIT = Duration.ofSeconds(30);
    /**
     * Most memory a batch (or a part of a large transaction) takes, whatever --max-batch-size says:
     * with large payloads, fewer changes make a batch. Two batches may be in memory at once (one
     * applied, one gathered), next to the connector's queue.
     */
    static final long MAX_BATCH_BYTES = 12L << 20;

    private final ProjectionApplier applier;
    private final ChangeRecordMapper mapper = new ChangeRecordMapper();
    private final BridgeStats stats;
    private final BooleanSupplier running;
    private final AppliedOffset applied;
    private final int maxBatchSize;
    private final int deliverySize;

    /** Changes of complete source transactions not applied yet, and the record whose position they reach. */
    private final ChangeBuffer pending = new ChangeBuffer();
    private SourceRecord pendingEnd;
    /** The source transaction whose END has not arrived yet. */
    private final ChangeBuffer open = new ChangeBuffer();
    private boolean inTransaction;
    private SourceRecord keyChangeStart;
    /** The commit position of the last transaction held or applied: anything at or before it is a resend. */
    private long heldUpTo = -1;
    /** The read-side transaction a large source transaction is being written into, if any. */
    private ReadSideTransaction streaming;
    /** Applies complete batches while this thread converts the next. */
    private final ApplyWorker worker;

    /**
     * @param maxBatchSize most changes applied per read-side transaction, except that a larger
     *                     source transaction is applied whole, in parts of this size
     * @param deliverySize most records the connector delivers at once; a smaller delivery means
     *                     it has nothing more queued
     */
    BatchHandler(ProjectionApplier applier, AppliedOffset applied, BridgeStats stats, BooleanSupplier running,
                 int maxBatchSize, int deliverySize) {
        this.applier = applier;
        this.applied = applied;
        this.stats = stats;
        this.running = running;
        this.maxBatchSize = maxBatchSize;
        this.deliverySize = deliverySize;
        this.worker = new ApplyWorker(this::applyWithRetries);
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
                            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        stats.handlingStarted();
        try {
            worker.rethrowFailure();
            for (RecordChangeEvent<SourceRecord> event : records) {
                take(event.record());
            }
            boolean drained = records.size() < deliverySize;
            if (streaming == null && pendingEnd != null && (drained || full(pending))) {
                applyPending();
            }
            for (RecordChangeEvent<SourceRecord> event : records) {
                committer.markProcessed(event);
            }
            committer.markBatchFinished();
        } finally {
            stats.handlingFinished();
        }
    }

    /**
     * When the connector stops: the batches handed over are finished (they are whole transactions;
     * a graceful stop then loses no work), a large transaction left half written is rolled back.
     */
    @Override
    public void close() {
        abandonStreaming();
        try {
            worker.finish(FINISH_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            worker.close();
        }
    }

    private void take(SourceRecord record) throws InterruptedException {
        switch (mapper.transactionMarker(record)) {
            case BEGIN -> {
                if (inTransaction) {
                    LOG.info("the connector sent a transaction again after restarting; dropping the {} changes of it "
                            + "held from before the restart", open.size());
                    if (streaming != null) {
                        abandonStreaming(); // what it wrote is sent again too
                    }
                    open.clear();
                    keyChangeStart = null;
                }
                inTransaction = true;
            }
            case END -> {
                inTransaction = false;
                long commit = mapper.lsn(record);
                if (commit != 0 && commit <= heldUpTo) {
                    open.clear(); // sent again after a restart: already held or applied
                    return;
                }
                heldUpTo = Math.max(heldUpTo, commit);
                if (streaming != null) {
                    finishStreaming(mapper.position(record));
                } else {
                    pending.takeAll(open);
                    pendingEnd = record;
                }
            }
            case NONE -> {
                if (keyChangeStart != null) {
                    add(mapper.keyChange(keyChangeStart, record));
                    keyChangeStart = null;
                } else if (mapper.isFirstHalfOfKeyChange(record)) {
                    keyChangeStart = record; // its INSERT half comes next
                } else {
                    mapper.toChange(record).ifPresent(this::add);
                    if (!inTransaction && streaming == null) {
                        pendingEnd = record; // a heartbeat, or a change outside any transaction
                    }
                }
                if (inTransaction && full(open)) {
                    streamOpenTransaction();
                }
            }
        }
    }

    /** A batch reaches its limit in changes or in memory. */
    private boolean full(ChangeBuffer changes) {
        return changes.size() >= maxBatchSize || changes.bytes() >= MAX_BATCH_BYTES;
    }

    private void add(RowChange change) {
        (inTransaction ? open : pending).add(change);
    }

    /**
     * The open source transaction is larger than a batch: write what is held, and this part of it,
     * into a read-side transaction that stays open until its END.
     */
    private void streamOpenTransaction() throws InterruptedException {
        try {
            if (streaming == null) {
                LOG.info("a source transaction exceeds a batch ({} changes or {} MB); writing it in parts into one read-side "
                        + "transaction, visible when it commits", maxBatchSize, MAX_BATCH_BYTES >> 20);
                worker.awaitIdle(); // commits stay in source order
                streaming = applier.begin(false); // its parts cannot be applied again if a new key were taken
                streaming.apply(pending.changes());
                pending.clear();
            }
            streaming.apply(open.changes());
            open.clear();
        } catch (SQLException | RuntimeException e) {
            throw interrupted(e);
        }
    }

    private void finishStreaming(SourcePosition position) throws InterruptedException {
        try {
            streaming.apply(open.changes());
            open.clear();
            ApplyResult result = streaming.commit(position);
            streaming.close();
            streaming = null;
            committed(result, position);
        } catch (SQLException | RuntimeException e) {
            throw interrupted(e);
        }
    }

    /** A large transaction could not be written: roll back, and have the connector send it again. */
    private RuntimeException interrupted(Exception e) {
        abandonStreaming();
        stats.lastError("read side: " + e.getMessage());
        if (TransientFailures.isTransient(e) && running.getAsBoolean()) {
            return new ResendRequired("writing a large source transaction to the read side was interrupted ("
                    + e.getMessage() + "); the connector starts again from the position applied last", e);
        }
        return new ApplyFailedException("applying a large source transaction to the read side failed and retrying "
                + "cannot help: " + e.getMessage(), e);
    }

    private void abandonStreaming() {
        if (streaming == null) {
            return;
        }
        try {
            streaming.close();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("rolling back a half-written transaction failed: {}", e.getMessage());
        }
        streaming = null;
        pending.clear();
        pendingEnd = null;
        heldUpTo = lsnOf(applied.get());
    }

    private void applyPending() throws InterruptedException {
        SourcePosition position = mapper.position(pendingEnd); // serialised once per batch, not per transaction
        worker.submit(pending.drain(), position);
        pendingEnd = null;
    }

    private void committed(ApplyResult result, SourcePosition position) {
        applied.committed(position.offset());
        stats.activity(BridgeState.STREAMING);
        stats.recordBatch(result, position);
    }

    /**
     * On the worker's thread: applies the changes, retrying while the read side is unreachable:
     * they are one transaction, so a failed attempt leaves nothing behind. Waits grow from
     * INITIAL_BACKOFF to MAX_BACKOFF, so a long outage costs one attempt (and at most one log line)
     * every few seconds.
     */
    private void applyWithRetries(List<RowChange> changes, SourcePosition position) throws InterruptedException {
        Duration backoff = INITIAL_BACKOFF;
        long started = System.nanoTime();
        int attempt = 0;
        while (true) {
            attempt++;
            // The first attempt skips looking for rows under inserted keys; any retry looks, so a batch
            // whose commit succeeded unseen, or a key taken after all, is applied again exactly.
            try (ReadSideTransaction transaction = applier.begin(attempt == 1)) {
                transaction.apply(changes);
                ApplyResult result = transaction.commit(position);
                if (attempt > 1) {
                    LOG.info("the read side is reachable again: batch applied after {} attempts over {} s; streaming resumes",
                            attempt, Math.round((System.nanoTime() - started) / 1e9));
                }
                committed(result, position);
                return;
            } catch (SQLException | RuntimeException e) {
                stats.lastError("read side: " + e.getMessage());
                if (attempt == 1 && isUniqueViolation(e)) {
                    LOG.warn("an inserted key already had a row on the read side ({}); applying the batch again, "
                            + "looking up every key", e.getMessage());
                    continue;
                }
                if (!TransientFailures.isTransient(e) || !running.getAsBoolean()) {
                    throw new ApplyFailedException("applying " + changes.size()
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

    private static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private long lsnOf(String offset) {
        Long lsn = SlotGuard.resumeLsn(offset);
        return lsn == null ? -1 : lsn;
    }

    /** A batch the read side rejected for good; the bridge stops rather than skip data. */
    static final class ApplyFailedException extends RuntimeException {
        ApplyFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The connector must send again from the position applied last. The engine ends on this (its
     * cause is a connection failure), and the bridge starts a new run of the connector. Not a Kafka
     * Connect RetriableException on purpose: the engine would poll on, past the lost records.
     */
    static final class ResendRequired extends RuntimeException {
        ResendRequired(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
