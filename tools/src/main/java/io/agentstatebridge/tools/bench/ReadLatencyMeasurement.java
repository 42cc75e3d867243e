package io.agentstatebridge.tools.bench;

import io.agentstatebridge.projections.apply.SqlResource;
import io.agentstatebridge.tools.measure.Percentiles;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Measurement 5: the readers' point lookups on the projections (read side) against the same
 * question answered by the defining view over agent_events on the write side, as a system without
 * the bridge would answer it, and over the read side's replica, which carries the bridge's extra
 * indexes. Each query runs for {@code lookups} random keys or until its time budget is spent.
 */
final class ReadLatencyMeasurement {
    static final String NAME = "reads";

    private final BenchSettings settings;
    private final PrintWriter out;
    private Layout layout;

    ReadLatencyMeasurement(BenchSettings settings, PrintWriter out) {
        this.settings = settings;
        this.out = out;
    }

    void run(BenchDatabases databases, BenchResults results) throws SQLException {
        layout = databases.layout();
        long events = databases.targetCount("SELECT count(*) FROM agent_events");
        out.printf("%n[%s, %s] point lookups at %,d events%n", layout.label(), NAME, events);
        String currentStateView = "SELECT * FROM (" + SqlResource.load("definitions/agent_current_state.sql")
                + ") v WHERE agent_id = ?";
        String summaryView = "SELECT * FROM (" + SqlResource.load("definitions/session_summary.sql")
                + ") v WHERE session_id = ?";
        try (Connection source = databases.openSource(); Connection target = databases.openTarget()) {
            analyze(source);
            analyze(target);
            List<String> agents = keys(target, "SELECT agent_id FROM agent_current_state");
            List<String> sessions = keys(target, "SELECT session_id FROM session_summary");
            measure(results, "agent current state", "projection (read side)", target,
                    "SELECT last_event_type, payload, last_event_at, agent_type, user_id FROM agent_current_state WHERE agent_id = ?",
                    agents);
            measure(results, "agent current state", "view over agent_events (write side)", source, currentStateView, agents);
            measure(results, "agent current state", "view over replica (read side)", target, currentStateView, agents);
            measure(results, "session summary", "projection (read side)", target,
                    "SELECT total_events, user_messages, tool_calls, decisions, errors, session_duration, total_tokens_used "
                            + "FROM session_summary WHERE session_id = ?", sessions);
            measure(results, "session summary", "view over agent_events (write side)", source, summaryView, sessions);
            measure(results, "session summary", "view over replica (read side)", target, summaryView, sessions);
        }
    }

    private void measure(BenchResults results, String question, String answeredBy, Connection connection, String sql,
                         List<String> keys) throws SQLException {
        long budget = System.nanoTime() + settings.lookupBudget().toNanos();
        double[] latencies = new double[settings.lookups()];
        int done = 0;
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            for (; done < latencies.length && System.nanoTime() < budget; done++) {
                query.setString(1, keys.get(done % keys.size()));
                long started = System.nanoTime();
                try (ResultSet rs = query.executeQuery()) {
                    while (rs.next()) {
                        rs.getString(1);
                    }
                }
                latencies[done] = (System.nanoTime() - started) / 1e6;
            }
        }
        Percentiles p = new Percentiles(java.util.Arrays.copyOf(latencies, done));
        String note = String.format("%,d lookups%s", done, done < latencies.length ? " (time budget)" : "");
        BenchResults.Scope figures = results.scope(layout, NAME, question + " by key");
        figures.add(answeredBy + " p50", p.at(50), BenchFigure.MILLISECONDS, note);
        figures.add(answeredBy + " p99", p.at(99), BenchFigure.MILLISECONDS, note);
    }

    private static List<String> keys(Connection connection, String sql) throws SQLException {
        List<String> keys = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                keys.add(rs.getString(1));
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalStateException("no keys to look up: the read side is empty (" + sql + ")");
        }
        Collections.shuffle(keys, new Random(7));
        return keys;
    }

    private static void analyze(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("ANALYZE");
        }
    }
}
