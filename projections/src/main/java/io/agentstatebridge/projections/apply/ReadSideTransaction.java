package io.agentstatebridge.projections.apply;

import io.agentstatebridge.projections.change.Operation;
import io.agentstatebridge.projections.change.RowChange;
import io.agentstatebridge.projections.change.SourcePosition;
import io.agentstatebridge.projections.change.SourceTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One open read-side transaction: changes are applied in it in parts, in source order, and made
 * visible together, with the position they reach, by {@link #commit}. Each part is coalesced per
 * key and applied set-wise; a part reads back what earlier parts of the same transaction wrote, so
 * splitting changes into parts never changes the result. Memory is that of one part.
 *
 * <p>Opened {@linkplain ProjectionApplier#begin(boolean) assuming inserted keys are new}, plain
 * INSERTs skip reading and deleting rows that cannot exist (see {@link TableDelta}); an INSERT that
 * finds its key taken fails the transaction, and applying again without the assumption is exact.
 *
 * <p>Not thread-safe. Closing without committing rolls everything back.
 */
public final class ReadSideTransaction implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReadSideTransaction.class);

    /** Writes the position a transaction reaches, in that transaction. */
    @FunctionalInterface
    interface PositionWriter {
        void save(Connection connection, SourcePosition position, long changes) throws SQLException;
    }

    private final Connection connection;
    private final ReadSideSchema schema;
    private final Map<SourceTable, ReplicaTable> replicas;
    private final EventProjections projections;
    private final PositionWriter position;
    private final boolean newKeysAreNew;
    private final long started = System.nanoTime();
    private long changes;
    private long rowsTouched;
    private int rejected;
    private boolean finished;

    ReadSideTransaction(Connection connection, ReadSideSchema schema, Map<SourceTable, ReplicaTable> replicas,
                        EventProjections projections, PositionWriter position, boolean newKeysAreNew) {
        this.connection = connection;
        this.newKeysAreNew = newKeysAreNew;
        this.schema = schema;
        this.replicas = replicas;
        this.projections = projections;
        this.position = position;
    }

    /** Applies the next part, the changes in source order; the caller never splits a key change. */
    public void apply(List<RowChange> part) throws SQLException {
        try {
            List<RowChange> segment = new ArrayList<>();
            for (RowChange change : part) {
                if (change.operation() == Operation.TRUNCATE) {
                    applySegment(segment);
                    segment.clear();
                    truncate(change.table());
                } else {
                    segment.add(change);
                }
            }
            applySegment(segment);
            changes += part.size();
        } catch (SQLException | RuntimeException e) {
            rollback(e);
            throw e;
        }
    }

    /**
     * Work a change source does in this transaction beside the changes: positions of its own (a
     * Kafka sink's per-partition offsets), which then commit or roll back with the data they describe.
     */
    @FunctionalInterface
    public interface Bookkeeping<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Runs {@code work} in this transaction; a failure rolls the whole transaction back. */
    public <T> T bookkeeping(Bookkeeping<T> work) throws SQLException {
        if (finished) {
            throw new IllegalStateException("the read-side transaction has ended");
        }
        try {
            return work.run(connection);
        } catch (SQLException | RuntimeException e) {
            rollback(e);
            throw e;
        }
    }

    /** Stores {@code reached} as the position and commits; readers see every part from now on. */
    public ApplyResult commit(SourcePosition reached) throws SQLException {
        try {
            position.save(connection, reached, changes);
            connection.commit();
            finished = true;
        } catch (SQLException | RuntimeException e) {
            rollback(e);
            throw e;
        }
        long nanos = System.nanoTime() - started;
        LOG.debug("applied {} changes ({} rows) in {} ms", changes, rowsTouched, nanos / 1_000_000);
        return new ApplyResult(Math.toIntExact(Math.min(changes, Integer.MAX_VALUE)),
                Math.toIntExact(Math.min(rowsTouched, Integer.MAX_VALUE)), rejected, nanos);
    }

    /** Changes applied so far. */
    public long changes() {
        return changes;
    }

    @Override
    public void close() throws SQLException {
        try {
            if (!finished) {
                connection.rollback();
                finished = true;
            }
        } finally {
            connection.close();
        }
    }

    private void rollback(Exception cause) {
        if (!finished) {
            ProjectionApplier.rollbackQuietly(connection, cause);
            finished = true;
        }
    }

    /** A run of changes with no TRUNCATE in it: coalesced per key, then applied set-wise. */
    private void applySegment(List<RowChange> segment) throws SQLException {
        if (finished) {
            throw new IllegalStateException("the read-side transaction has ended");
        }
        if (segment.isEmpty()) {
            return;
        }
        Map<SourceTable, List<RowChange>> byTable = new EnumMap<>(SourceTable.class);
        for (RowChange change : segment) {
            byTable.computeIfAbsent(change.table(), t -> new ArrayList<>()).add(change);
        }
        Map<SourceTable, TableDelta> deltas = new EnumMap<>(SourceTable.class);
        for (Map.Entry<SourceTable, List<RowChange>> entry : byTable.entrySet()) {
            ReplicaTable replica = replicas.get(entry.getKey());
            TableDelta delta = TableDelta.of(connection, replica, entry.getValue(), newKeysAreNew);
            replica.replace(connection, delta.readKeys(), delta.after().values());
            deltas.put(entry.getKey(), delta);
        }
        TableDelta events = deltas.get(SourceTable.AGENT_EVENTS);
        TableDelta sessions = deltas.get(SourceTable.AGENT_SESSIONS);
        rejected += events == null ? 0 : projections.applyEventChanges(connection, events);
        Set<String> agents = new HashSet<>();
        if (events != null) {
            events.before().values().forEach(row -> agents.add(row.get("agent_id")));
            events.after().values().forEach(row -> agents.add(row.get("agent_id")));
        }
        if (sessions != null) {
            agents.addAll(projections.agentsAffectedBy(connection, sessions));
        }
        projections.refreshCurrentState(connection, agents);
        rowsTouched += deltas.values().stream().mapToInt(d -> d.touchedKeys().size()).sum();
    }

    /** A source TRUNCATE empties the table's replica and every projection derived from it. */
    private void truncate(SourceTable table) throws SQLException {
        switch (table) {
            case AGENT_EVENTS -> ProjectionApplier.execute(connection, schema.rewrite("TRUNCATE public.agent_events, "
                    + "public.session_summary, public.agent_task_progress, public.agent_current_state"));
            case AGENT_SESSIONS -> ProjectionApplier.execute(connection,
                    schema.rewrite("TRUNCATE public.agent_sessions, public.agent_current_state"));
            case HEARTBEAT -> ProjectionApplier.execute(connection, schema.rewrite("TRUNCATE agent_state_bridge.heartbeat"));
        }
    }
}
