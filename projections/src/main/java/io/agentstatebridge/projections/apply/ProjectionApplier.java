package io.agentstatebridge.projections.apply;

import io.agentstatebridge.projections.change.ChangeBatch;
import io.agentstatebridge.projections.change.Operation;
import io.agentstatebridge.projections.change.RowChange;
import io.agentstatebridge.projections.change.SourcePosition;
import io.agentstatebridge.projections.change.SourceTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies change batches to the read side: replicas, projections and source position, one
 * transaction per batch. Application is state-based (each key ends up holding the row its last
 * change describes), so re-applying a batch that already landed changes nothing.
 *
 * <p>An applier exists only for an instance that has {@linkplain #takeOver taken over} the bridge
 * name: each batch first locks the position row and checks that no other instance has taken over
 * since, and holds that lock until it commits (see {@link ApplyLeaseLostException}). A batch whose
 * commit succeeded although the client saw an error is simply applied again, to the same effect.
 */
public final class ProjectionApplier {
    private static final Logger LOG = LoggerFactory.getLogger(ProjectionApplier.class);

    private final DataSource target;
    private final String bridgeName;
    private final ReadSideSchema schema;
    private final Map<SourceTable, ReplicaTable> replicas = new EnumMap<>(SourceTable.class);
    private final EventProjections projections;
    private final long epoch;
    private final String claimPosition;
    private final String savePosition;

    private ProjectionApplier(DataSource target, String bridgeName, ReadSideSchema schema, long epoch) {
        this.target = target;
        this.bridgeName = bridgeName;
        this.schema = schema;
        this.epoch = epoch;
        this.claimPosition = schema.rewrite(SqlResource.load("apply/claim_position.sql"));
        this.projections = new EventProjections(schema);
        this.savePosition = schema.rewrite(SqlResource.load("apply/save_position.sql"));
        for (SourceTable table : SourceTable.values()) {
            replicas.put(table, new ReplicaTable(table, schema));
        }
    }

    /** The epoch this applier took over at; its batches commit only while it is still the latest. */
    public long leaderEpoch() {
        return epoch;
    }

    /** Takes over applying for {@code bridgeName} into the live read side; see the class comment. */
    public static ProjectionApplier takeOver(DataSource target, String bridgeName) throws SQLException {
        return takeOver(target, bridgeName, ReadSideSchema.DEFAULT);
    }

    /**
     * Takes over applying for {@code bridgeName} into {@code schema} (a rebuild's shadow tables and
     * position): from now on, batches of instances that took over earlier are refused. Read the
     * position to resume from after this, not before: a batch another instance had in flight has
     * committed or failed by the time it returns.
     */
    public static ProjectionApplier takeOver(DataSource target, String bridgeName, ReadSideSchema schema) throws SQLException {
        try (Connection connection = target.getConnection();
             PreparedStatement takeOver = connection.prepareStatement(schema.rewrite(SqlResource.load("apply/take_over.sql")))) {
            connection.setAutoCommit(true);
            takeOver.setString(1, bridgeName);
            try (ResultSet rs = takeOver.executeQuery()) {
                rs.next();
                long epoch = rs.getLong(1);
                LOG.debug("took over applying for bridge '{}' (leader epoch {})", bridgeName, epoch);
                return new ProjectionApplier(target, bridgeName, schema, epoch);
            }
        }
    }

    /**
     * Opens a transaction that replaces everything this applier's read side holds with a copy of
     * the source (see {@link ReadSideLoad}); fenced like a batch. {@code indexStatements} run once
     * the rows are in: the indexes of shadow tables created without them, none for live tables.
     */
    public ReadSideLoad beginLoad(List<String> indexStatements) throws SQLException {
        Connection connection = target.getConnection();
        try {
            connection.setAutoCommit(false);
            claimPosition(connection);
            execute(connection, schema.rewrite(SqlResource.load("load/clear.sql")));
            return new ReadSideLoad(connection, schema, List.copyOf(indexStatements),
                    (c, position, rows) -> savePosition(c, position, rows));
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(connection, e);
            connection.close();
            throw e;
        }
    }

    public ApplyResult apply(ChangeBatch batch) throws SQLException {
        long started = System.nanoTime();
        try (Connection connection = target.getConnection()) {
            connection.setAutoCommit(false);
            try {
                claimPosition(connection);
                int rowsTouched = 0;
                int rejected = 0;
                List<RowChange> segment = new ArrayList<>();
                for (RowChange change : batch.changes()) {
                    if (change.operation() == Operation.TRUNCATE) {
                        SegmentResult result = applySegment(connection, segment);
                        rowsTouched += result.rowsTouched();
                        rejected += result.rejected();
                        segment.clear();
                        truncate(connection, change.table());
                    } else {
                        segment.add(change);
                    }
                }
                SegmentResult result = applySegment(connection, segment);
                rowsTouched += result.rowsTouched();
                rejected += result.rejected();
                savePosition(connection, batch.position(), batch.changes().size());
                connection.commit();
                long nanos = System.nanoTime() - started;
                LOG.debug("applied {} changes ({} rows) in {} ms", batch.changes().size(), rowsTouched, nanos / 1_000_000);
                return new ApplyResult(batch.changes().size(), rowsTouched, rejected, nanos);
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                throw e;
            }
        }
    }

    private record SegmentResult(int rowsTouched, int rejected) {
    }

    /** A run of changes with no TRUNCATE in it: coalesced per key, then applied set-wise. */
    private SegmentResult applySegment(Connection connection, List<RowChange> changes) throws SQLException {
        if (changes.isEmpty()) {
            return new SegmentResult(0, 0);
        }
        Map<SourceTable, List<RowChange>> byTable = new EnumMap<>(SourceTable.class);
        for (RowChange change : changes) {
            byTable.computeIfAbsent(change.table(), t -> new ArrayList<>()).add(change);
        }
        Map<SourceTable, TableDelta> deltas = new EnumMap<>(SourceTable.class);
        for (Map.Entry<SourceTable, List<RowChange>> entry : byTable.entrySet()) {
            ReplicaTable replica = replicas.get(entry.getKey());
            TableDelta delta = TableDelta.of(connection, replica, entry.getValue());
            replica.replace(connection, delta.touchedKeys(), delta.after().values());
            deltas.put(entry.getKey(), delta);
        }
        TableDelta events = deltas.get(SourceTable.AGENT_EVENTS);
        TableDelta sessions = deltas.get(SourceTable.AGENT_SESSIONS);
        int rejected = events == null ? 0 : projections.applyEventChanges(connection, events);
        Set<String> agents = new HashSet<>();
        if (events != null) {
            events.before().values().forEach(row -> agents.add(row.get("agent_id")));
            events.after().values().forEach(row -> agents.add(row.get("agent_id")));
        }
        if (sessions != null) {
            agents.addAll(projections.agentsAffectedBy(connection, sessions));
        }
        projections.refreshCurrentState(connection, agents);
        int rowsTouched = deltas.values().stream().mapToInt(d -> d.touchedKeys().size()).sum();
        return new SegmentResult(rowsTouched, rejected);
    }

    /** A source TRUNCATE empties the table's replica and every projection derived from it. */
    private void truncate(Connection connection, SourceTable table) throws SQLException {
        switch (table) {
            case AGENT_EVENTS -> execute(connection, schema.rewrite("TRUNCATE public.agent_events, public.session_summary, "
                    + "public.agent_task_progress, public.agent_current_state"));
            case AGENT_SESSIONS -> execute(connection, schema.rewrite("TRUNCATE public.agent_sessions, public.agent_current_state"));
            case HEARTBEAT -> execute(connection, schema.rewrite("TRUNCATE agent_state_bridge.heartbeat"));
        }
    }

    /** Locks the position row for this batch's transaction, checking that no other instance took over. */
    private void claimPosition(Connection connection) throws SQLException {
        try (PreparedStatement claim = connection.prepareStatement(claimPosition)) {
            claim.setString(1, bridgeName);
            try (ResultSet rs = claim.executeQuery()) {
                long current = rs.next() ? rs.getLong(1) : 0;
                if (current != epoch) {
                    throw new ApplyLeaseLostException(bridgeName, epoch, current);
                }
            }
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private void savePosition(Connection connection, SourcePosition position, long changes) throws SQLException {
        String lsn = position.lsn() == 0 ? null : Lsn.format(position.lsn());
        try (PreparedStatement save = connection.prepareStatement(savePosition)) {
            save.setString(1, bridgeName);
            save.setString(2, position.offset());
            save.setString(3, lsn);
            if (position.committedAt() == null) {
                save.setNull(4, Types.TIMESTAMP_WITH_TIMEZONE);
            } else {
                save.setTimestamp(4, Timestamp.from(position.committedAt()));
            }
            save.setLong(5, changes);
            save.executeUpdate();
        }
    }

    private static void rollbackQuietly(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            cause.addSuppressed(rollbackFailure);
        }
    }
}
