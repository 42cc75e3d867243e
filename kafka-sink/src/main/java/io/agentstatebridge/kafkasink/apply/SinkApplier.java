package io.agentstatebridge.kafkasink.apply;

import io.agentstatebridge.kafkasink.position.AgentProgress;
import io.agentstatebridge.kafkasink.position.AppliedPosition;
import io.agentstatebridge.kafkasink.position.PartitionId;
import io.agentstatebridge.kafkasink.position.PartitionProgress;
import io.agentstatebridge.kafkasink.position.SinkPositions;
import io.agentstatebridge.kafkasink.position.SourceSequence;
import io.agentstatebridge.projections.apply.ProjectionApplier;
import io.agentstatebridge.projections.apply.ReadSideTransaction;
import io.agentstatebridge.projections.change.RowChange;
import io.agentstatebridge.projections.change.SourcePosition;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Applies what one delivery of records holds, of any number of partitions, as one read-side
 * transaction that also stores each partition's new position. Records a partition already applied
 * (a redelivery after a restart or rebalance, or a change the source connector sent twice) are
 * skipped against the stored, locked position, so every change lands exactly once whatever Connect
 * delivers and whichever task receives it.
 */
public final class SinkApplier {
    private static final Logger LOG = LoggerFactory.getLogger(SinkApplier.class);
    private final DataSource readSide;
    private final ProjectionApplier applier;
    private final SinkPositions positions;
    private final String sourceName;

    public SinkApplier(DataSource readSide, ProjectionApplier applier, String sourceName) {
        this.readSide = readSide;
        this.applier = applier;
        this.sourceName = sourceName;
        this.positions = new SinkPositions(sourceName);
    }

    /** The stored next offsets of {@code topics}' partitions, for a task to seek to. */
    public Map<PartitionId, Long> nextOffsets(Collection<String> topics) throws SQLException {
        try (Connection connection = readSide.getConnection()) {
            return positions.nextOffsets(connection, topics);
        }
    }

    /**
     * Applies {@code records} (in delivery order: each partition's records in offset order) and
     * returns, per partition, the offset of the next record to apply, committed with the data.
     */
    public Map<PartitionId, Long> apply(List<SinkChange> records) throws SQLException {
        if (records.isEmpty()) {
            return Map.of();
        }
        try {
            // Inserted keys are nearly always new (redeliveries are skipped before they are applied),
            // so inserts first skip looking for a row under their key.
            return apply(records, true);
        } catch (SQLException e) {
            if (!isUniqueViolation(e)) {
                throw e;
            }
            // A key was taken after all (a snapshot sent again, say): the whole delivery again, exactly.
            LOG.info("an inserted key already had a row on the read side ({}); applying the delivery again, looking up "
                    + "every key", e.getMessage());
            return apply(records, false);
        }
    }

    private Map<PartitionId, Long> apply(List<SinkChange> records, boolean newKeysAreNew) throws SQLException {
        LinkedHashSet<PartitionId> partitions = new LinkedHashSet<>();
        records.forEach(r -> partitions.add(r.partition()));
        try (ReadSideTransaction transaction = applier.begin(newKeysAreNew)) {
            Map<PartitionId, AppliedPosition> applied = transaction.bookkeeping(c -> positions.lock(c, partitions));
            Map<PartitionId, Progress> progress = new LinkedHashMap<>();
            Map<String, AgentProgress> agents = new HashMap<>();
            List<RowChange> changes = new ArrayList<>(records.size());
            for (SinkChange record : records) {
                Progress p = progress.computeIfAbsent(record.partition(),
                        id -> new Progress(applied.getOrDefault(id, AppliedPosition.NOTHING)));
                // Covered by what the read side held, or by what this delivery applied before it (a
                // change re-sent within the same delivery as its first copy).
                boolean covered = p.reached().covers(record.offset(), record.sequence());
                p.nextOffset = Math.max(p.nextOffset, record.offset() + 1);
                if (covered || record.change() == null) {
                    continue;
                }
                changes.add(record.change());
                p.add(record);
                String agent = record.agentId();
                if (agent != null) {
                    agents.put(agent, new AgentProgress(agent, record.partition(), record.txId(), record.lsn()));
                }
            }
            int skipped = records.size() - changes.size();
            if (skipped > 0) {
                LOG.debug("{} records of {} were applied before (a redelivery) or change nothing", skipped, partitions);
            }
            transaction.apply(changes);
            Map<PartitionId, PartitionProgress> reached = new LinkedHashMap<>();
            progress.forEach((id, p) -> reached.put(id, p.toProgress()));
            transaction.bookkeeping(c -> {
                positions.save(c, reached);
                positions.saveAgents(c, agents.values());
                return null;
            });
            long lsn = reached.values().stream().mapToLong(PartitionProgress::lsn).max().orElse(0);
            Instant committedAt = reached.values().stream().map(PartitionProgress::committedAt)
                    .filter(java.util.Objects::nonNull).max(Instant::compareTo).orElse(null);
            transaction.commit(new SourcePosition(describe(reached), lsn, committedAt));
            Map<PartitionId, Long> next = new HashMap<>();
            reached.forEach((id, p) -> next.put(id, p.nextOffset()));
            return next;
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

    /** The task's row in source_position says, for people, which partitions its last batch reached. */
    private String describe(Map<PartitionId, PartitionProgress> reached) {
        StringBuilder text = new StringBuilder("kafka sink of source ").append(sourceName).append(':');
        reached.forEach((id, p) -> text.append(' ').append(id).append('@').append(p.nextOffset()));
        return text.toString();
    }

    /** What a batch applied of one partition so far. */
    private static final class Progress {
        long nextOffset;
        long lsn;
        Instant committedAt;
        SourceSequence lastSequence;
        long changes;

        Progress(AppliedPosition stored) {
            this.nextOffset = stored.nextOffset();
            this.lastSequence = stored.lastSequence();
        }

        /** Everything up to here is applied: what the read side held and what this delivery added. */
        AppliedPosition reached() {
            return new AppliedPosition(nextOffset, lastSequence);
        }

        void add(SinkChange record) {
            changes++;
            long reached = record.sequence() == null ? record.lsn()
                    : Math.max(record.lsn(), record.sequence().commitLsn());
            lsn = Math.max(lsn, reached);
            if (record.committedAt() != null) {
                committedAt = record.committedAt();
            }
            if (record.sequence() != null && (lastSequence == null || lastSequence.compareTo(record.sequence()) < 0)) {
                lastSequence = record.sequence();
            }
        }

        PartitionProgress toProgress() {
            return new PartitionProgress(nextOffset, lsn, committedAt, lastSequence, changes);
        }
    }
}
