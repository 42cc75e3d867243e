package io.agentstatebridge.projections.apply;

import io.agentstatebridge.projections.change.SourcePosition;
import io.agentstatebridge.projections.change.SourceTable;
import org.postgresql.PGConnection;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A read side filled, in one transaction, from a consistent copy of the source tables: the rows of
 * each table arrive as PostgreSQL's binary COPY data and go straight into the replica, then the
 * projections are computed once from their definitions over the loaded replicas, and the position
 * the copy was taken at is stored with them. Nothing is parsed or held here: memory stays flat
 * whatever the size of the source.
 *
 * <p>Open one with {@link ProjectionApplier#beginLoad}: into a rebuild's shadow tables, created
 * without indexes so that they are built once at the end (several times cheaper than row by row),
 * or into the live tables, whose rows it replaces (readers see the old ones until it commits).
 * Not thread-safe.
 */
public final class ReadSideLoad implements AutoCloseable {
    private static final int COPY_BUFFER_BYTES = 1 << 16;

    private final Connection connection;
    private final ReadSideSchema schema;
    private final List<String> indexStatements;
    private final PositionWriter position;
    private boolean committed;

    ReadSideLoad(Connection connection, ReadSideSchema schema, List<String> indexStatements, PositionWriter position) {
        this.connection = connection;
        this.schema = schema;
        this.indexStatements = indexStatements;
        this.position = position;
    }

    /** Writes the position a load reaches, in the load's transaction. */
    @FunctionalInterface
    interface PositionWriter {
        void save(Connection connection, SourcePosition position, long rows) throws SQLException;
    }

    /**
     * Copies {@code table}'s rows from {@code binaryCopy}: the output of {@code COPY (SELECT <the
     * table's columns in SourceTable order>) TO STDOUT (FORMAT binary)}, which needs the read side's
     * column types on the source (the preflight makes sure). Returns the rows copied.
     */
    public long copy(SourceTable table, InputStream binaryCopy) throws SQLException {
        String columns = table.columns().stream().map(SourceTable.Column::name).collect(Collectors.joining(", "));
        try {
            return connection.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn("COPY " + schema.qualify(table) + " (" + columns + ") FROM STDIN (FORMAT binary)",
                            binaryCopy, COPY_BUFFER_BYTES);
        } catch (IOException e) {
            throw new SQLException("reading the copy of " + table.qualifiedName() + " from the source failed: "
                    + e.getMessage(), "08006", e);
        }
    }

    /**
     * Builds the indexes (for shadow tables), computes the projections and lists the rows their
     * definitions cannot count, stores {@code reached} as the position, and commits.
     */
    public void complete(SourcePosition reached, long rows) throws SQLException {
        for (String statement : indexStatements) {
            execute(statement);
        }
        execute(schema.rewrite(SqlResource.load("load/session_summary.sql")));
        execute(schema.rewrite(SqlResource.load("load/agent_task_progress.sql")));
        execute(schema.rewrite(SqlResource.load("apply/agent_current_state_rebuild.sql")));
        execute(schema.rewrite(SqlResource.load("load/reject_token_counts.sql")));
        position.save(connection, reached, rows);
        connection.commit();
        committed = true;
    }

    /** Rolls back whatever was not completed, and lets the connection go. */
    @Override
    public void close() throws SQLException {
        try {
            if (!committed) {
                connection.rollback();
            }
        } finally {
            connection.close();
        }
    }

    private void execute(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
