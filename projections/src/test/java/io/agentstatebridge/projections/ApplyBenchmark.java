package io.agentstatebridge.projections;

import io.agentstatebridge.projections.apply.ApplyResult;
import io.agentstatebridge.projections.apply.ProjectionApplier;
import io.agentstatebridge.projections.change.ChangeBatch;
import io.agentstatebridge.projections.change.Row;
import io.agentstatebridge.projections.change.RowChange;
import io.agentstatebridge.projections.change.SourcePosition;
import io.agentstatebridge.projections.change.SourceTable;
import io.agentstatebridge.projections.schema.SchemaMigrations;
import io.agentstatebridge.projections.testing.PostgresFixture;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Applies fleet-like batches of new sessions and events straight to the projections (no
 * connector, no source) and prints the rate and where the read side spends its time.
 * Run: mvn -B -q -pl sql,projections install -DskipTests && mvn -B -pl projections test -Dtest=ApplyBenchmark
 */
class ApplyBenchmark {
    @Test
    void applyRate() throws Exception {
        int agents = Integer.getInteger("bench.agents", 200);
        int batchSize = Integer.getInteger("bench.batch", 500);
        int batches = Integer.getInteger("bench.batches", 200);
        PGSimpleDataSource target = new PGSimpleDataSource();
        String url = PostgresFixture.get().createDatabase("apply_bench").jdbcUrl();
        target.setUrl(url);
        SchemaMigrations.migrateReadSide(target);
        try (Connection c = target.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            for (String index : System.getProperty("bench.dropIndexes", "").split(",")) {
                if (!index.isBlank()) {
                    s.execute("DROP INDEX " + index); // to see what an index costs the apply
                }
            }
            s.execute("SELECT pg_stat_statements_reset()");
        }
        com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource();
        pool.setJdbcUrl(url);
        pool.setMaximumPoolSize(2);
        ProjectionApplier applier = ProjectionApplier.takeOver(pool, "bench");
        Random random = new Random(1);
        String[] session = new String[agents];
        long event = 0;
        long started = System.nanoTime();
        long applyNanos = 0;
        for (int b = 0; b < batches; b++) {
            List<RowChange> changes = new ArrayList<>(batchSize + 50);
            for (int i = 0; i < batchSize; i++) {
                int agent = random.nextInt(agents);
                if (session[agent] == null || random.nextInt(40) == 0) {
                    session[agent] = "s-" + agent + "-" + event;
                    changes.add(RowChange.insert(SourceTable.AGENT_SESSIONS, Row.of(map(
                            "session_id", session[agent], "agent_id", "a-" + agent, "user_id", "u", "agent_type", "coder",
                            "started_at", Instant.now().toString(), "metadata", "{\"channel\": \"web\"}"))));
                }
                changes.add(RowChange.insert(SourceTable.AGENT_EVENTS, Row.of(map(
                        "event_id", "e-" + (event++), "agent_id", "a-" + agent, "session_id", session[agent],
                        "event_type", random.nextBoolean() ? "message_received" : "tool_called",
                        "payload", "{\"token_count\": " + random.nextInt(500) + ", \"role\": \"user\"}",
                        "created_at", Instant.now().toString()))));
            }
            ApplyResult result = applier.apply(new ChangeBatch(changes, new SourcePosition("{}", b + 1, null)));
            applyNanos += result.nanos();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("apply benchmark: %d events in %d batches of %d: %.0f events/s (%.1f ms per batch in apply)%n",
                event, batches, batchSize, event / seconds, applyNanos / 1e6 / batches);
        try (Connection c = target.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT round(total_exec_time)::bigint, calls, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) "
                     + "FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                     + "ORDER BY total_exec_time DESC LIMIT 12")) {
            while (rs.next()) {
                System.out.printf("%8d ms %6d calls  %s%n", rs.getLong(1), rs.getLong(2), rs.getString(3));
            }
        }
    }

    private static Map<String, String> map(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
