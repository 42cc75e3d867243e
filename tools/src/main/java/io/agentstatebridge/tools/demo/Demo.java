package io.agentstatebridge.tools.demo;

import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.agentstatebridge.bridge.engine.Bridge;
import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.loadgen.LoadGenerator;

import java.io.IOException;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The whole pipeline on one machine with nothing installed: a real PostgreSQL server started from
 * binaries on Maven Central, holding a write-side and a read-side database, the bridge between
 * them, and a simulated fleet writing. Prints progress, then the readers' queries.
 */
public final class Demo {
    private final DemoSettings settings;
    private final PrintWriter out;
    private final CountDownLatch stopRequested = new CountDownLatch(1);

    public Demo(DemoSettings settings, PrintWriter out) {
        this.settings = settings;
        this.out = out;
    }

    /** How the demo runs. A zero duration runs until {@link #stop()} (Ctrl-C). */
    public record DemoSettings(int agents, double eventsPerSecond, Duration duration, Duration reportEvery, int httpPort) {
    }

    public void stop() {
        stopRequested.countDown();
    }

    public void run() throws IOException, SQLException, InterruptedException {
        out.println("starting an embedded PostgreSQL (wal_level=logical) ...");
        try (EmbeddedServer postgres = EmbeddedServer.start()) {
            DatabaseUrl source = postgres.createWriteSide("agents");
            DatabaseUrl target = postgres.createDatabase("agents_read");
            out.printf("write side: %s%nread side:  %s   (connect with psql -h localhost -p %d -U postgres agents_read)%n",
                    source.redacted(), target.redacted(), postgres.port());
            out.printf("an agent of your own, with read-your-writes (needs python3-psycopg2):%n"
                    + "  python3 examples/python/agent_loop.py --source postgresql://postgres@localhost:%1$d/agents "
                    + "--target postgresql://postgres@localhost:%1$d/agents_read%n", postgres.port());

            BridgeSettings bridgeSettings = BridgeSettings.withDefaults(source, target,
                    BridgeSettings.Observability.HTTP_OFF.withHttpPort(settings.httpPort()));
            try (Bridge bridge = new Bridge(bridgeSettings);
                 LoadGenerator fleet = new LoadGenerator(source.jdbcUrl(), new LoadGenerator.LoadSettings(
                         settings.agents(), settings.eventsPerSecond(), settings.duration(), 4, 7))) {
                bridge.start();
                if (bridge.httpPort() > 0) {
                    out.printf("status page: http://127.0.0.1:%d/  (also /metrics, /health/ready)%n", bridge.httpPort());
                }
                out.printf("bridge running; %d simulated agents writing %.0f events/s%s%n", settings.agents(),
                        settings.eventsPerSecond(), settings.duration().isZero() ? " until Ctrl-C"
                                : " for " + settings.duration().toSeconds() + " s");
                Thread writer = new Thread(() -> {
                    try {
                        fleet.run();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        stopRequested.countDown();
                    }
                }, "demo-fleet");
                writer.start();
                try (Connection read = DriverManager.getConnection(target.jdbcUrl())) {
                    long started = System.nanoTime();
                    while (!stopRequested.await(settings.reportEvery().toMillis(), TimeUnit.MILLISECONDS)) {
                        report(read, fleet.eventsWritten(), started);
                        if (bridge.state() == BridgeState.FAILED) {
                            throw new IllegalStateException("the bridge failed: " + bridge.failure().getMessage());
                        }
                    }
                    fleet.stop();
                    writer.join();
                    awaitCatchUp(read, fleet.eventsWritten());
                    report(read, fleet.eventsWritten(), started);
                    readerQueries(read);
                }
            }
        }
    }

    private void report(Connection read, long written, long started) throws SQLException {
        try (Statement statement = read.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*), "
                     + "COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - max(created_at)) * 1000, 0)::bigint "
                     + "FROM agent_events")) {
            rs.next();
            out.printf("%6.0f s  events written %,9d   events applied %,9d   lag %,6d ms (now minus newest applied event)%n",
                    (System.nanoTime() - started) / 1e9, written, rs.getLong(1), Math.max(0, rs.getLong(2)));
        }
    }

    private void awaitCatchUp(Connection read, long written) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try (Statement statement = read.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT count(*) FROM agent_events")) {
                rs.next();
                if (rs.getLong(1) >= written) {
                    return;
                }
            }
            Thread.sleep(200);
        }
    }

    private void readerQueries(Connection read) throws SQLException {
        String agent;
        String session;
        try (Statement statement = read.createStatement();
             ResultSet rs = statement.executeQuery("SELECT agent_id, session_id FROM agent_current_state ORDER BY last_event_at DESC LIMIT 1")) {
            if (!rs.next()) {
                out.println("no agent state yet");
                return;
            }
            agent = rs.getString(1);
            session = rs.getString(2);
        }
        out.println();
        out.println("-- the agent's current state, at the start of its decision loop");
        print(read, "SELECT last_event_type, payload, last_event_at, agent_type, user_id FROM agent_current_state WHERE agent_id = ?", agent);
        out.println("-- resuming a session: its summary ...");
        print(read, "SELECT total_events, user_messages, tool_calls, decisions, errors, session_duration, total_tokens_used "
                + "FROM session_summary WHERE session_id = ?", session);
        out.println("-- ... and its most recent events (LIMIT 5 here; readers use 20)");
        print(read, "SELECT event_type, payload, created_at FROM agent_events WHERE session_id = ? ORDER BY created_at DESC LIMIT 5", session);
        out.println("-- task progress");
        print(read, "SELECT decisions_made, tools_invoked, tasks_completed, had_error, is_closed, last_decision_at "
                + "FROM agent_task_progress WHERE session_id = ?", session);
    }

    private void print(Connection read, String sql, String parameter) throws SQLException {
        out.println(sql.replace("?", "'" + parameter + "'") + ";");
        try (PreparedStatement query = read.prepareStatement(sql)) {
            query.setString(1, parameter);
            try (ResultSet rs = query.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                while (rs.next()) {
                    StringBuilder line = new StringBuilder("   ");
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        line.append(i == 1 ? "" : " | ").append(meta.getColumnName(i)).append('=').append(rs.getString(i));
                    }
                    out.println(line);
                }
            }
        }
        out.println();
    }
}
