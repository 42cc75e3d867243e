package io.agentstatebridge.projections.change;

import java.util.Objects;

/**
 * One change to one source row. For INSERT and UPDATE {@code after} is the new
 * row; for DELETE {@code before} must carry at least the key. An UPDATE that changed the row's key
 * also carries {@code before}, with at least the old key: the row moved from one key to the other,
 * and values of {@code after} marked unchanged are the ones it had under the old key. TRUNCATE has
 * neither image.
 */
public record RowChange(SourceTable table, Operation operation, Row before, Row after) {

    public RowChange {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(operation, "operation");
        switch (operation) {
            case INSERT, UPDATE -> Objects.requireNonNull(after, operation + " needs an after image");
            case DELETE -> Objects.requireNonNull(before, "DELETE needs a before image with the key");
            case TRUNCATE -> { }
        }
    }

    public static RowChange insert(SourceTable table, Row after) {
        return new RowChange(table, Operation.INSERT, null, after);
    }

    public static RowChange update(SourceTable table, Row after) {
        return new RowChange(table, Operation.UPDATE, null, after);
    }

    /** An UPDATE of the row under {@code before}'s key that gave it {@code after}'s key. */
    public static RowChange keyChange(SourceTable table, Row before, Row after) {
        return new RowChange(table, Operation.UPDATE, before, after);
    }

    public static RowChange delete(SourceTable table, Row before) {
        return new RowChange(table, Operation.DELETE, before, null);
    }

    public static RowChange truncate(SourceTable table) {
        return new RowChange(table, Operation.TRUNCATE, null, null);
    }

    /** Roughly what this change occupies in memory. */
    public long estimatedBytes() {
        return 48 + (before == null ? 0 : before.estimatedBytes()) + (after == null ? 0 : after.estimatedBytes());
    }

    /** The key the row had before an UPDATE that changed it; null for any other change. */
    public String previousKey() {
        if (operation != Operation.UPDATE || before == null) {
            return null;
        }
        String previous = before.get(table.keyColumn());
        return previous.equals(after.get(table.keyColumn())) ? null : previous;
    }

    /** The key of the row this change leaves behind, or removes for a DELETE. */
    public String key() {
        Row image = operation == Operation.DELETE ? before : after;
        return image == null ? null : image.get(table.keyColumn());
    }
}
