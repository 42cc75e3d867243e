package io.agentstatebridge.projections.apply;

import io.agentstatebridge.projections.change.ChangeBatch;
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
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Applies changes to the read side: replicas, projections and source position, in read-side
 * transactions that each end at a source position ({@link ReadSideTransaction}). Application is
 * state-based (each key ends up holding the row its last change describes), so re-applying
 * changes that already landed changes nothing.
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

    /**
     * Opens a read-side transaction, fenced (see the class comment), that changes are applied in,
     * in as many parts as the caller likes, until it commits them with the position they reach.
     * Readers see none of it before the commit, so a source transaction of any size can be applied
     * as one, its parts written as they arrive. {@code newKeysAreNew}: plain INSERTs skip looking
     * for a row under their key (see {@link ReadSideTransaction}); apply again without it when a
     * transaction opened with it fails.
     */
    public ReadSideTransaction begin(boolean newKeysAreNew) throws SQLException {
        Connection connection = target.getConnection();
        try {
            connection.setAutoCommit(false);
            claimPosition(connection);
            return new ReadSideTransaction(connection, schema, replicas, projections, this::savePosition, newKeysAreNew);
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(connection, e);
            connection.close();
            throw e;
        }
    }

    /** Applies {@code batch} as one read-side transaction, position included, exact whatever the read side holds. */
    public ApplyResult apply(ChangeBatch batch) throws SQLException {
        try (ReadSideTransaction transaction = begin(false)) {
            transaction.apply(batch.changes());
            return transaction.commit(batch.position());
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

    static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    void savePosition(Connection connection, SourcePosition position, long changes) throws SQLException {
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

    static void rollbackQuietly(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            cause.addSuppressed(rollbackFailure);
        }
    }
}
