package io.agentstatebridge.projections.apply;

import io.agentstatebridge.projections.change.Row;
import io.agentstatebridge.projections.change.SourceTable;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The read-side copy of one source table, addressed by primary key, rows in text form. */
final class ReplicaTable {
    private final SourceTable table;
    private final List<String> columnNames;
    private final String selectByKeys;
    private final String deleteByKeys;
    private final String insertRowSet;

    ReplicaTable(SourceTable table) {
        this.table = table;
        this.columnNames = table.columns().stream().map(SourceTable.Column::name).toList();
        String key = table.keyColumn();
        this.selectByKeys = "SELECT "
                + columnNames.stream().map(c -> c + "::text").collect(Collectors.joining(", "))
                + " FROM " + table.qualifiedName() + " WHERE " + key + " = ANY(?::text[])";
        this.deleteByKeys = "DELETE FROM " + table.qualifiedName() + " WHERE " + key + " = ANY(?::text[])";
        this.insertRowSet = "INSERT INTO " + table.qualifiedName() + " (" + String.join(", ", columnNames) + ") SELECT "
                + table.columns().stream().map(c -> "r." + c.name() + "::" + c.sqlType()).collect(Collectors.joining(", "))
                + " FROM jsonb_to_recordset(?::jsonb) AS r("
                + columnNames.stream().map(c -> c + " text").collect(Collectors.joining(", ")) + ")";
    }

    SourceTable table() {
        return table;
    }

    List<String> columnNames() {
        return columnNames;
    }

    /** The rows currently stored for {@code keys}, by key; keys without a row are absent. */
    Map<String, Row> load(Connection connection, Collection<String> keys) throws SQLException {
        if (keys.isEmpty()) {
            return new HashMap<>();
        }
        Map<String, Row> rows = new HashMap<>(keys.size() * 2);
        try (PreparedStatement select = connection.prepareStatement(selectByKeys)) {
            select.setArray(1, textArray(connection, keys));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    Map<String, String> values = new LinkedHashMap<>();
                    for (int i = 0; i < columnNames.size(); i++) {
                        values.put(columnNames.get(i), rs.getString(i + 1));
                    }
                    Row row = Row.of(values);
                    rows.put(row.get(table.keyColumn()), row);
                }
            }
        }
        return rows;
    }

    /** Makes the replica hold exactly {@code rows} for {@code touchedKeys}. */
    void replace(Connection connection, Collection<String> touchedKeys, Collection<Row> rows) throws SQLException {
        if (touchedKeys.isEmpty()) {
            return;
        }
        try (PreparedStatement delete = connection.prepareStatement(deleteByKeys)) {
            delete.setArray(1, textArray(connection, touchedKeys));
            delete.executeUpdate();
        }
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(insertRowSet)) {
            insert.setString(1, RowSetJson.encode(rows, columnNames));
            insert.executeUpdate();
        }
    }

    static Array textArray(Connection connection, Collection<String> values) throws SQLException {
        return connection.createArrayOf("text", values.toArray());
    }
}
