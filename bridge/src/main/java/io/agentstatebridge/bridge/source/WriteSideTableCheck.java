package io.agentstatebridge.bridge.source;

import io.agentstatebridge.projections.apply.SqlResource;
import io.agentstatebridge.projections.change.SourceTable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the bridge accepts as write-side tables, whoever created them: the columns it reads, of
 * types whose values the read side holds exactly (varchar or text; jsonb; timestamptz), NOT NULL
 * where the read side and the projections' groups and joins need a value, and a key that is unique
 * and is what PostgreSQL logs for UPDATE and DELETE (the primary key, or REPLICA IDENTITY FULL or
 * USING INDEX on a unique index of the key alone). Our own write-side schema has all of this; a
 * table that lacks some would make the read side refuse rows, or miss deletes, at some later time.
 * Every problem of both tables is reported at once, each with the statement that fixes it.
 */
final class WriteSideTableCheck {
    private static final Map<String, Set<String>> ACCEPTED_TYPES = Map.of(
            "varchar", Set.of("varchar", "text"),
            "jsonb", Set.of("jsonb"),
            "timestamptz", Set.of("timestamptz"));

    private record ColumnFacts(String type, boolean notNull) {
    }

    /** The problems of both write-side tables, one sentence each; empty when they are fine. */
    List<String> problems(Connection source) throws SQLException {
        List<String> problems = new ArrayList<>();
        for (SourceTable table : List.of(SourceTable.AGENT_EVENTS, SourceTable.AGENT_SESSIONS)) {
            check(source, table, problems);
        }
        return problems;
    }

    private void check(Connection source, SourceTable table, List<String> problems) throws SQLException {
        Map<String, ColumnFacts> columns = new HashMap<>();
        String identity = null;
        boolean keyUnique = false;
        boolean oldKeyLogged = false;
        try (PreparedStatement query = source.prepareStatement(SqlResource.load("preflight/table_shape.sql"))) {
            query.setString(1, table.qualifiedName());
            query.setString(2, table.keyColumn());
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    columns.put(rs.getString(1), new ColumnFacts(rs.getString(2), rs.getBoolean(3)));
                    identity = rs.getString(5);
                    keyUnique = rs.getBoolean(6);
                    oldKeyLogged = rs.getBoolean(7);
                }
            }
        }
        String name = table.qualifiedName();
        for (SourceTable.Column column : table.columns()) {
            ColumnFacts facts = columns.get(column.name());
            if (facts == null) {
                problems.add(name + " has no column " + column.name() + " (" + column.sqlType() + "): ALTER TABLE " + name
                        + " ADD COLUMN " + column.name() + " " + column.sqlType() + ";");
                continue;
            }
            if (!ACCEPTED_TYPES.get(column.sqlType()).contains(facts.type())) {
                problems.add(name + "." + column.name() + " is of type " + facts.type() + "; the read side holds it as "
                        + column.sqlType() + ", and only " + String.join(" or ", ACCEPTED_TYPES.get(column.sqlType()).stream()
                        .sorted().toList()) + " keep every value and its text exactly: ALTER TABLE " + name + " ALTER COLUMN "
                        + column.name() + " TYPE " + column.sqlType() + ";");
            }
            if (!column.nullable() && !facts.notNull()) {
                problems.add(name + "." + column.name() + " may be NULL, but the read side needs a value in every row: "
                        + "ALTER TABLE " + name + " ALTER COLUMN " + column.name() + " SET NOT NULL;");
            }
        }
        if (!columns.containsKey(table.keyColumn())) {
            return;
        }
        if (!keyUnique) {
            problems.add(name + " has no primary key or unique index on " + table.keyColumn() + " alone, so two rows "
                    + "could share a key the read side keeps once: ALTER TABLE " + name + " ADD PRIMARY KEY ("
                    + table.keyColumn() + ");");
        } else if (!oldKeyLogged) {
            String why = "n".equals(identity) ? "its REPLICA IDENTITY is NOTHING" : "its replica identity is not " + table.keyColumn();
            problems.add(name + ": PostgreSQL does not log the old " + table.keyColumn() + " of updated and deleted rows ("
                    + why + "), so the bridge could not tell which row changed: ALTER TABLE " + name
                    + " REPLICA IDENTITY DEFAULT; (with the primary key on " + table.keyColumn() + ") or REPLICA IDENTITY FULL;");
        }
    }
}
