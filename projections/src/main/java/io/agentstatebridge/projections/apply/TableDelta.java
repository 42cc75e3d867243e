package io.agentstatebridge.projections.apply;

import io.agentstatebridge.projections.change.Operation;
import io.agentstatebridge.projections.change.Row;
import io.agentstatebridge.projections.change.RowChange;
import io.agentstatebridge.projections.change.SourceTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The net effect of a run of changes on one table: for every key they touch, the row the
 * read side held before ({@code before}) and the row it must hold after ({@code after}); a key
 * missing from a map has no row on that side. Many changes to one key cost one row of work.
 *
 * <p>With {@code newKeysAreNew}, a key whose only change is an INSERT is taken to have had no row:
 * it is neither read nor deleted ({@code readKeys} leaves it out), which in an append-only log is
 * most keys. Were such a row there after all, its INSERT would violate the replica's primary key
 * and fail the transaction: the caller then applies the batch again without the assumption.
 */
record TableDelta(SourceTable table, Set<String> touchedKeys, Set<String> readKeys, Map<String, Row> before,
                  Map<String, Row> after) {
    private static final Logger LOG = LoggerFactory.getLogger(TableDelta.class);

    static TableDelta of(Connection connection, ReplicaTable replica, List<RowChange> changes, boolean newKeysAreNew)
            throws SQLException {
        Set<String> keys = new LinkedHashSet<>();
        Set<String> readKeys = new HashSet<>();
        for (RowChange change : changes) {
            String previousKey = change.previousKey();
            if (previousKey != null) {
                keys.add(previousKey);
                readKeys.add(previousKey);
            }
            String key = change.key();
            if (!keys.add(key) || !newKeysAreNew || change.operation() != Operation.INSERT) {
                readKeys.add(key); // changed twice, or not a plain INSERT: its row may exist
            }
        }
        Map<String, Row> before = replica.load(connection, readKeys);
        Map<String, Row> current = new HashMap<>(before);
        for (RowChange change : changes) {
            String key = change.key();
            String previousKey = change.previousKey();
            if (change.operation() == Operation.DELETE) {
                current.remove(key);
            } else if (previousKey != null) {
                Row moved = current.remove(previousKey);
                current.put(key, withUnchangedValuesFilledIn(replica.table(), change.after(), moved));
            } else {
                current.put(key, withUnchangedValuesFilledIn(replica.table(), change.after(), current.get(key)));
            }
        }
        Map<String, Row> after = new LinkedHashMap<>();
        for (String key : keys) {
            Row row = current.get(key);
            if (row != null) {
                after.put(key, row);
            }
        }
        return new TableDelta(replica.table(), keys, readKeys, before, after);
    }

    boolean isEmpty() {
        return touchedKeys.isEmpty();
    }

    /**
     * The source does not resend a large value an UPDATE left untouched; the value is whatever
     * the row held just before, in this batch or on the read side, under its old key if the
     * UPDATE changed the key.
     */
    private static Row withUnchangedValuesFilledIn(SourceTable table, Row after, Row previous) {
        if (after.unchangedColumns().isEmpty()) {
            return after;
        }
        Map<String, String> values = new LinkedHashMap<>(after.values());
        for (String column : after.unchangedColumns()) {
            if (previous == null) {
                LOG.warn("{} row {}: column {} was left out of the change stream as unchanged, but the read side "
                                + "has no earlier version of the row; storing NULL. A fresh snapshot repairs this.",
                        table.qualifiedName(), after.get(table.keyColumn()), column);
                values.put(column, null);
            } else {
                values.put(column, previous.get(column));
            }
        }
        return Row.of(values);
    }
}
