package io.agentstatebridge.projections.apply;

import io.agentstatebridge.projections.change.SourceTable;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the applier writes: the schema of the five read-side tables (replicas and projections)
 * and the schema of the bridge's bookkeeping it writes per batch (position, heartbeat replica,
 * rejected rows). {@link #DEFAULT} is the live read side; a rebuild points both at a shadow
 * schema that readers never query, so not even the live position row changes until the swap.
 *
 * <p>The apply statements are written, and stay runnable as written, against the default names
 * ({@code public.agent_events}, {@code agent_state_bridge.source_position}, ...); {@link #rewrite}
 * moves exactly those qualified names, so every statement must qualify them. Functions in
 * {@code agent_state_bridge} are never moved.
 */
public record ReadSideSchema(String tables, String bookkeeping) {
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern TABLES = Pattern.compile(
            "\\bpublic\\.(agent_events|agent_sessions|agent_current_state|session_summary|agent_task_progress)\\b");
    private static final Pattern BOOKKEEPING = Pattern.compile("\\bagent_state_bridge\\.(source_position|heartbeat|rejected_rows)\\b");

    /** The live read side. (Declared after the patterns its constructor uses.) */
    public static final ReadSideSchema DEFAULT = new ReadSideSchema("public", "agent_state_bridge");

    public ReadSideSchema {
        requireIdentifier(tables);
        requireIdentifier(bookkeeping);
    }

    /** Everything the applier writes in one schema of its own. */
    public static ReadSideSchema shadow(String schema) {
        return new ReadSideSchema(schema, schema);
    }

    /** The read-side table holding the replica of {@code table}. */
    public String qualify(SourceTable table) {
        return (table == SourceTable.HEARTBEAT ? bookkeeping : tables) + "." + table.tableName();
    }

    /** {@code sql} with the default read-side table names replaced by this schema's. */
    public String rewrite(String sql) {
        if (equals(DEFAULT)) {
            return sql;
        }
        String moved = TABLES.matcher(sql).replaceAll(m -> Matcher.quoteReplacement(tables + "." + m.group(1)));
        return BOOKKEEPING.matcher(moved).replaceAll(m -> Matcher.quoteReplacement(bookkeeping + "." + m.group(1)));
    }

    private static void requireIdentifier(String schema) {
        Objects.requireNonNull(schema, "schema");
        if (!IDENTIFIER.matcher(schema).matches()) {
            throw new IllegalArgumentException("not a lower-case schema name: '" + schema + "'");
        }
    }
}
