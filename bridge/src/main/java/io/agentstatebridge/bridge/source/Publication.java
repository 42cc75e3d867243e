package io.agentstatebridge.bridge.source;

import io.agentstatebridge.projections.change.SourceTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The publication the bridge streams from: created with exactly the bridge's tables when missing,
 * completed when a table is missing from it, never narrowed. Whoever runs this owns it: `migrate
 * --create-roles` runs it as an administrator so that the bridge's own role needs no CREATE on
 * the source database; `run` runs it as the bridge's role, where a publication already in place
 * makes it a read-only check.
 */
public final class Publication {
    private static final Logger LOG = LoggerFactory.getLogger(Publication.class);
    private static final List<SourceTable> PUBLISHED = List.of(SourceTable.values());

    private Publication() {
    }

    /** The tables, as CREATE PUBLICATION lists them. */
    public static String tableList() {
        return PUBLISHED.stream().map(SourceTable::qualifiedName).collect(Collectors.joining(", "));
    }

    /**
     * Makes {@code publication} (a validated lower-case identifier) publish the bridge's tables;
     * true when it had to be created.
     */
    public static boolean ensure(Connection source, String publication) throws SQLException {
        boolean exists;
        try (PreparedStatement query = source.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            query.setString(1, publication);
            try (ResultSet rs = query.executeQuery()) {
                exists = rs.next();
            }
        }
        try (Statement statement = source.createStatement()) {
            if (!exists) {
                statement.execute("CREATE PUBLICATION " + publication + " FOR TABLE " + tableList());
                LOG.info("created publication {} on the source", publication);
                return true;
            }
            for (SourceTable table : PUBLISHED) {
                try (PreparedStatement query = source.prepareStatement(
                        "SELECT 1 FROM pg_publication_tables WHERE pubname = ? AND schemaname = ? AND tablename = ?")) {
                    query.setString(1, publication);
                    query.setString(2, table.schema());
                    query.setString(3, table.tableName());
                    try (ResultSet rs = query.executeQuery()) {
                        if (!rs.next()) {
                            statement.execute("ALTER PUBLICATION " + publication + " ADD TABLE " + table.qualifiedName());
                            LOG.info("added {} to publication {}", table.qualifiedName(), publication);
                        }
                    }
                }
            }
            return false;
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) {
                throw new SetupException("the source role may not create or change the publication '" + publication
                        + "': " + e.getMessage() + ". Create it once as the tables' owner: CREATE PUBLICATION "
                        + publication + " FOR TABLE " + tableList() + "; (`agent-state-bridge migrate --create-roles "
                        + "--publication " + publication + "` does this)", e);
            }
            throw e;
        }
    }
}
