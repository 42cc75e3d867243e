package io.agentstatebridge.bridge.engine;

import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.bridge.testing.BridgeDatabases;
import io.agentstatebridge.bridge.testing.SourceChurn;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Agents' tables change shape while the bridge streams and a writer keeps writing: columns are
 * added to agent_events and agent_sessions (with and without a default) and written, an added
 * column changes type, another is dropped; then a replicated column changes to a type with the
 * same text form. The bridge never stops and the projections stay exact. Columns the read side does
 * not know are not replicated: its replicas keep their fixed columns. Replay with -Dbridge.seed=SEED.
 */
class SourceSchemaChangeIT {

    @Test
    void columnsAddedChangedAndDroppedOnTheSourceWhileStreamingKeepTheProjectionsExact() throws Exception {
        long seed = Long.getLong("bridge.seed", System.nanoTime());
        BridgeDatabases databases = new BridgeDatabases("schema_change");
        try (SourceChurn writer = new SourceChurn(databases, seed, 0, 10).pausing(Duration.ofMillis(5));
             Bridge bridge = new Bridge(databases.settings(128));
             Connection source = databases.openSource();
             Statement ddl = source.createStatement()) {
            bridge.start();
            writer.start();
            await("bridge streaming").atMost(Duration.ofSeconds(90))
                    .until(() -> bridge.state() == BridgeState.STREAMING && bridge.stats().batchesApplied() > 5);

            List<String> changes = List.of(
                    // added without a default, then written
                    "ALTER TABLE agent_events ADD COLUMN trace_id text",
                    "INSERT INTO agent_sessions (session_id, agent_id, agent_type) VALUES ('schema-s1', 'schema-a1', 'coder')",
                    "INSERT INTO agent_events (event_id, agent_id, session_id, event_type, payload, trace_id) VALUES "
                            + "('schema-e1', 'schema-a1', 'schema-s1', 'tool_called', '{\"token_count\": 7}', 'trace-1')",
                    // added with a default (existing rows show it without a rewrite), then written
                    "ALTER TABLE agent_sessions ADD COLUMN region text NOT NULL DEFAULT 'eu'",
                    "INSERT INTO agent_sessions (session_id, agent_id, agent_type, region) VALUES ('schema-s2', 'schema-a2', 'planner', 'us')",
                    "UPDATE agent_sessions SET region = 'ap', user_id = 'schema-u1' WHERE session_id = 'schema-s1'",
                    "UPDATE agent_events SET trace_id = 'trace-2' WHERE event_id = 'schema-e1'",
                    // an added column changes type (the table is rewritten), then written
                    "ALTER TABLE agent_events ADD COLUMN cost_cents integer DEFAULT 0",
                    "INSERT INTO agent_events (event_id, agent_id, session_id, event_type, cost_cents) VALUES "
                            + "('schema-e2', 'schema-a2', 'schema-s2', 'decision_made', 12)",
                    "ALTER TABLE agent_events ALTER COLUMN cost_cents TYPE bigint",
                    "INSERT INTO agent_events (event_id, agent_id, session_id, event_type, cost_cents) VALUES "
                            + "('schema-e3', 'schema-a2', 'schema-s2', 'session_ended', 5000000000)",
                    // an unrelated column comes and goes
                    "ALTER TABLE agent_sessions ADD COLUMN scratch jsonb",
                    "INSERT INTO agent_sessions (session_id, agent_id, agent_type, scratch) VALUES ('schema-s3', 'schema-a3', 'coder', '{}')",
                    "ALTER TABLE agent_sessions DROP COLUMN scratch",
                    "DELETE FROM agent_sessions WHERE session_id = 'schema-s3'");
            for (String change : changes) {
                long commits = writer.commits();
                ddl.execute(change);
                // Let the writer's transactions land between every two schema steps.
                await("writer going on after: " + change).atMost(Duration.ofSeconds(30))
                        .until(() -> writer.commits() > commits + 10);
            }
            writer.stop();
            // A replicated column changes to a type with the same text form. Done after the writer
            // stops: its statements, prepared on the server, would fail with "cached plan must not
            // change result type", which is the writer's business, not the bridge's.
            ddl.execute("ALTER TABLE agent_sessions ALTER COLUMN agent_type TYPE text");
            ddl.execute("INSERT INTO agent_sessions (session_id, agent_id, agent_type) VALUES ('schema-s4', 'schema-a1', 'support')");
            ddl.execute("UPDATE agent_sessions SET agent_type = 'planner' WHERE session_id = 'schema-s1'");

            assertThat(databases.verifyDifferences(Duration.ofSeconds(120)))
                    .as("read side vs definitions after the schema changes (seed %d)", seed).isNull();
            assertThat(bridge.state()).as("the bridge kept running").matches(BridgeState::isRunning, "running");
            assertThat(bridge.state()).isEqualTo(BridgeState.STREAMING);
            assertThat(readSideColumns(databases, "agent_events"))
                    .containsExactly("event_id", "agent_id", "session_id", "event_type", "payload", "created_at");
            assertThat(readSideColumns(databases, "agent_sessions"))
                    .containsExactly("session_id", "agent_id", "user_id", "agent_type", "started_at", "metadata");
        } catch (AssertionError | Exception e) {
            throw new AssertionError("schema change test failed; replay with -Dbridge.seed=" + seed, e);
        }
    }

    private static List<String> readSideColumns(BridgeDatabases databases, String table) throws Exception {
        List<String> columns = new ArrayList<>();
        try (Connection target = DriverManager.getConnection(databases.target().jdbcUrl());
             Statement query = target.createStatement();
             ResultSet rs = query.executeQuery("SELECT column_name FROM information_schema.columns "
                     + "WHERE table_schema = 'public' AND table_name = '" + table + "' ORDER BY ordinal_position")) {
            while (rs.next()) {
                columns.add(rs.getString(1));
            }
        }
        return columns;
    }
}
