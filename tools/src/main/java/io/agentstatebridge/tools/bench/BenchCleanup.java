package io.agentstatebridge.tools.bench;

import io.agentstatebridge.bridge.config.DatabaseUrl;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Removes what a measurement left behind: the bench's replication slots (waiting briefly for a
 * just-stopped bridge to let go of its slot), and on given databases the tables, the bridge's
 * schema and the publications. Touches only objects the bench creates.
 */
final class BenchCleanup {
    private static final String BENCH_SLOTS = "FROM pg_replication_slots WHERE database = current_database() "
            + "AND slot_name LIKE '" + BenchDatabases.SLOT_PREFIX.replace("_", "\\_") + "%'";

    private BenchCleanup() {
    }

    static void dropSlots(DatabaseUrl source) throws SQLException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        try (Connection connection = DriverManager.getConnection(source.jdbcUrl());
             Statement statement = connection.createStatement()) {
            while (true) {
                statement.execute("SELECT pg_drop_replication_slot(slot_name) " + BENCH_SLOTS + " AND NOT active");
                try (ResultSet rs = statement.executeQuery("SELECT count(*) " + BENCH_SLOTS)) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("a bench replication slot on " + source.describe()
                            + " is still in use after 30 s; drop it with pg_drop_replication_slot('" + BenchDatabases.BRIDGE + "')");
                }
                sleep();
            }
        }
    }

    static void wipeSource(DatabaseUrl source) throws SQLException {
        execute(source, "DO $$ DECLARE p TEXT; BEGIN FOR p IN SELECT pubname FROM pg_publication WHERE pubname LIKE 'bench\\_%' "
                        + "LOOP EXECUTE format('DROP PUBLICATION %I', p); END LOOP; END $$",
                "DROP TABLE IF EXISTS public.agent_events, public.agent_sessions, public.agent_current_state, "
                        + "public.session_summary, public.agent_task_progress CASCADE",
                "DROP FUNCTION IF EXISTS public.agent_events_maintain_projections() CASCADE",
                "DROP FUNCTION IF EXISTS public.agent_events_validate() CASCADE",
                "DROP SCHEMA IF EXISTS agent_state_bridge CASCADE");
    }

    static void wipeTarget(DatabaseUrl target) throws SQLException {
        execute(target, "DROP TABLE IF EXISTS public.agent_events, public.agent_sessions, public.agent_current_state, "
                        + "public.session_summary, public.agent_task_progress CASCADE",
                "DROP SCHEMA IF EXISTS agent_state_bridge CASCADE");
    }

    private static void execute(DatabaseUrl url, String... statements) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url.jdbcUrl());
             Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a replication slot to be released", e);
        }
    }
}
