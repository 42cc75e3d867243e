package io.agentstatebridge.projections.apply;

import io.agentstatebridge.projections.change.Row;
import io.agentstatebridge.projections.change.SourceTable;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

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
    private final String qualifiedName;
    private final List<String> columnNames;
    private final String selectByKeys;
    private final String deleteByKeys;
    private final String copyStatement;

    ReplicaTable(SourceTable table, ReadSideSchema schema) {
        this.table = table;
        this.qualifiedName = schema.qualify(table);
        this.columnNames = table.columns().stream().map(SourceTable.Column::name).toList();
        String key = table.keyColumn();
        this.selectByKeys = "SELECT "
                + table.columns().stream().map(ReplicaTable::asText).collect(Collectors.joining(", "))
                + " FROM " + qualifiedName + " WHERE " + key + " = ANY(?::text[])";
        this.deleteByKeys = "DELETE FROM " + qualifiedName + " WHERE " + key + " = ANY(?::text[])";
        this.copyStatement = "COPY " + qualifiedName + " (" + String.join(", ", columnNames) + ") FROM STDIN";
    }

    /**
     * A column as text. Timestamps print in the batch's pinned settings (UTC, DateStyle ISO; see
     * apply/claim_position.sql), a form PostgreSQL reads back exactly, BC and infinities included.
     */
    private static String asText(SourceTable.Column column) {
        return column.name() + "::text";
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

    /** Deletes the rows of {@code keysWithRows} (keys that may have one), then inserts {@code rows}. */
    void replace(Connection connection, Collection<String> keysWithRows, Collection<Row> rows) throws SQLException {
        if (!keysWithRows.isEmpty()) {
            try (PreparedStatement delete = connection.prepareStatement(deleteByKeys)) {
                delete.setArray(1, textArray(connection, keysWithRows));
                delete.executeUpdate();
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        copyIn(connection, rows);
    }

    /**
     * Inserts rows with COPY: the values already are PostgreSQL text forms, so the server parses
     * each once, with no statement or JSON in between; several times cheaper per row than INSERT.
     */
    private void copyIn(Connection connection, Collection<Row> rows) throws SQLException {
        CopyTextEncoder data = new CopyTextEncoder(rows.size() * 200);
        for (Row row : rows) {
            for (int i = 0; i < columnNames.size(); i++) {
                data.field(row.get(columnNames.get(i)), i == 0);
            }
            data.endRow();
        }
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copyStatement);
        try {
            copy.writeToCopy(data.bytes(), 0, data.length());
            copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    static Array textArray(Connection connection, Collection<String> values) throws SQLException {
        return connection.createArrayOf("text", values.toArray());
    }
}
