package io.agentstatebridge.projections.change;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One source row image: every column in PostgreSQL's text form (NULL stays null).
 *
 * <p>{@code unchangedColumns} names columns whose value the change source did not send because
 * it was not modified (PostgreSQL leaves unchanged TOASTed values out of the replication stream).
 * Their entry in {@code values} is meaningless; the applier takes the value the row had before.
 */
public record Row(Map<String, String> values, Set<String> unchangedColumns) {

    public Row {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        unchangedColumns = Set.copyOf(unchangedColumns);
    }

    public static Row of(Map<String, String> values) {
        return new Row(values, Set.of());
    }

    public String get(String column) {
        return values.get(column);
    }

    public boolean isUnchanged(String column) {
        return unchangedColumns.contains(column);
    }

    /** Roughly what this row occupies in memory, for limits that must hold whatever the values' sizes. */
    public long estimatedBytes() {
        long bytes = 96;
        for (String value : values.values()) {
            bytes += 64 + (value == null ? 0 : 2L * value.length());
        }
        return bytes;
    }
}
