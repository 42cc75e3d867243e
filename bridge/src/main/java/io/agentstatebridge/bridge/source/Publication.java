package io.agentstatebridge.bridge.source;

import io.agentstatebridge.projections.apply.SqlResource;
import io.agentstatebridge.projections.change.SourceTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
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
     * true when it had to be created. An existing publication is checked, not trusted: one that
     * leaves out an operation, filters rows, lists only some columns, or publishes a partitioned
     * table under its partitions' names would silently keep changes from the bridge, so it is
     * refused with the statements that fix it (they are not run here: others may share it).
     */
    public static boolean ensure(Connection source, String publication) throws SQLException {
        boolean viaRoot = anyPartitioned(source);
        boolean exists;
        try (PreparedStatement query = source.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            query.setString(1, publication);
            try (ResultSet rs = query.executeQuery()) {
                exists = rs.next();
            }
        }
        try (Statement statement = source.createStatement()) {
            if (!exists) {
                statement.execute("CREATE PUBLICATION " + publication + " FOR TABLE " + tableList()
                        + " WITH (publish = 'insert, update, delete, truncate'"
                        + (viaRoot ? ", publish_via_partition_root = true" : "") + ")");
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
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) {
                throw new SetupException("the source role may not create or change the publication '" + publication
                        + "': " + e.getMessage() + ". Create it once as the tables' owner: CREATE PUBLICATION "
                        + publication + " FOR TABLE " + tableList() + "; (`agent-state-bridge migrate --create-roles "
                        + "--publication " + publication + "` does this)", e);
            }
            throw e;
        }
        List<String> problems = problems(source, publication, viaRoot);
        if (!problems.isEmpty()) {
            throw new SetupException("the publication '" + publication + "' on the source would keep changes from the "
                    + "bridge: " + String.join(" ", problems) + " Fix it as its owner, or give the bridge a publication of "
                    + "its own with --publication.");
        }
        return false;
    }

    /** What is wrong with an existing publication, one sentence each with the fix. */
    private static List<String> problems(Connection source, String publication, boolean viaRoot) throws SQLException {
        List<String> problems = new ArrayList<>();
        try (PreparedStatement query = source.prepareStatement(SqlResource.load("preflight/publication_shape.sql"))) {
            query.setString(1, publication);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    String table = rs.getString("table_name");
                    if (table == null) {
                        if (!rs.getBoolean("publishes_all")) {
                            problems.add("It does not publish every operation (insert, update, delete, truncate): ALTER "
                                    + "PUBLICATION " + publication + " SET (publish = 'insert, update, delete, truncate');");
                        }
                        if (viaRoot && !rs.getBoolean("via_root")) {
                            problems.add("A write-side table is partitioned, and the publication names changes after its "
                                    + "partitions: ALTER PUBLICATION " + publication + " SET (publish_via_partition_root = true);");
                        }
                        continue;
                    }
                    if (rs.getString("row_filter") != null) {
                        problems.add("It publishes only the rows of " + table + " WHERE " + rs.getString("row_filter")
                                + ": ALTER PUBLICATION " + publication + " DROP TABLE " + table + "; ALTER PUBLICATION "
                                + publication + " ADD TABLE " + table + ";");
                    }
                    if (!rs.getBoolean("all_columns")) {
                        problems.add("It publishes only some columns of " + table + ": ALTER PUBLICATION " + publication
                                + " DROP TABLE " + table + "; ALTER PUBLICATION " + publication + " ADD TABLE " + table + ";");
                    }
                }
            }
        }
        return problems;
    }

    private static boolean anyPartitioned(Connection source) throws SQLException {
        try (Statement statement = source.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_class WHERE relkind = 'p' AND oid IN ("
                     + PUBLISHED.stream().map(t -> "to_regclass('" + t.qualifiedName() + "')").collect(Collectors.joining(", "))
                     + ")")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }
}
