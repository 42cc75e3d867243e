package io.agentstatebridge.bridge.source;

import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.projections.change.SourceTable;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyInputStream;
import org.postgresql.replication.ReplicationSlotInfo;

import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Collectors;

/**
 * A new replication slot and a read-only transaction on the source that sees exactly what the slot
 * starts after: PostgreSQL exports the snapshot at the slot's consistent point when it creates the
 * slot, and the transaction imports it. Everything committed before the consistent point is in the
 * copy; everything committed after it streams from the slot. No change is in both or in neither.
 *
 * <p>The rows are read with binary COPY, in the read side's column types, as fast as PostgreSQL can
 * send them. Closing ends the transaction; the slot stays.
 */
public final class ExportedSnapshot implements AutoCloseable {
    private final Connection reader;
    private final long consistentPoint;

    private ExportedSnapshot(Connection reader, long consistentPoint) {
        this.reader = reader;
        this.consistentPoint = consistentPoint;
    }

    /** Creates {@code settings.slot()} (it must not exist) and opens a transaction at its snapshot. */
    public static ExportedSnapshot create(BridgeSettings settings) throws SQLException {
        ReplicationSlotInfo slot;
        Connection reader = DatabaseConnections.open(settings.source(), "source");
        try (Connection replication = DatabaseConnections.openReplication(settings.source())) {
            // The exported snapshot lives until the next command on this connection, so it is
            // imported before anything else happens here.
            slot = replication.unwrap(PGConnection.class).getReplicationAPI().createReplicationSlot().logical()
                    .withSlotName(settings.slot()).withOutputPlugin("pgoutput").make();
            reader.setAutoCommit(false);
            reader.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            reader.setReadOnly(true);
            try (Statement statement = reader.createStatement()) {
                statement.execute("SET TRANSACTION SNAPSHOT '" + slot.getSnapshotName().replace("'", "''") + "'");
            }
        } catch (SQLException | RuntimeException e) {
            reader.close();
            throw e;
        }
        return new ExportedSnapshot(reader, slot.getConsistentPoint().asLong());
    }

    /** The WAL position the slot starts after: the read side's position once the copy is loaded. */
    public long consistentPoint() {
        return consistentPoint;
    }

    /**
     * {@code table}'s rows as {@code COPY ... TO STDOUT (FORMAT binary)} data, columns in
     * {@link SourceTable} order, cast to the read side's types (text columns arrive as varchar).
     */
    public InputStream copy(SourceTable table) throws SQLException {
        String columns = table.columns().stream()
                .map(c -> c.name() + "::" + c.sqlType())
                .collect(Collectors.joining(", "));
        return new PGCopyInputStream(reader.unwrap(PGConnection.class),
                "COPY (SELECT " + columns + " FROM " + table.qualifiedName() + ") TO STDOUT (FORMAT binary)");
    }

    @Override
    public void close() throws SQLException {
        try {
            reader.rollback();
        } finally {
            reader.close();
        }
    }
}
