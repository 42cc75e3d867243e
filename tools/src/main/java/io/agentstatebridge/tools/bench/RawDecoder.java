package io.agentstatebridge.tools.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * PostgreSQL's own decoding speed, the limit of any consumer of the slot: a pgoutput slot of its
 * own, created before the backlog is written, drained in one call of
 * pg_logical_slot_get_binary_changes with the bridge's publication. That runs the same decoding
 * and output plugin a walsender runs, in one backend on one core, without a network hop.
 */
final class RawDecoder {
    static final String SLOT = BenchDatabases.SLOT_PREFIX + "decoder";

    private RawDecoder() {
    }

    /** Messages decoded (begin, relation, row and commit messages) and the time it took. */
    record Decoded(long messages, long nanos) {
    }

    static void createSlot(Connection source) throws SQLException {
        try (Statement statement = source.createStatement()) {
            statement.execute("SELECT pg_create_logical_replication_slot('" + SLOT + "', 'pgoutput')");
        }
    }

    static Decoded drain(Connection source, String publication) throws SQLException {
        long started = System.nanoTime();
        try (PreparedStatement drain = source.prepareStatement("SELECT count(*) FROM pg_logical_slot_get_binary_changes("
                + "?, NULL, NULL, 'proto_version', '1', 'publication_names', ?)")) {
            drain.setString(1, SLOT);
            drain.setString(2, publication);
            try (ResultSet rs = drain.executeQuery()) {
                rs.next();
                return new Decoded(rs.getLong(1), System.nanoTime() - started);
            }
        }
    }

    static void dropSlot(Connection source) throws SQLException {
        try (Statement statement = source.createStatement()) {
            statement.execute("SELECT pg_drop_replication_slot('" + SLOT + "')");
        }
    }
}
