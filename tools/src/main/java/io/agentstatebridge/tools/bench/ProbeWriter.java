package io.agentstatebridge.tools.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Commits probes on the source: single-event transactions of one agent of their own
 * ("bench-probe"), in one session, numbered in the payload ({"probe": n}), one at a time on one
 * connection, so they commit in the order of their numbers. Each is an ordinary event that takes
 * the bridge's whole apply path; a reader knows it is visible when agent_current_state shows it.
 * Either one at a time ({@link #commitOne}) or every 5-15 ms (10 ms on average, jittered so as not
 * to beat in step with the bridge's batches) on a thread of its own.
 */
final class ProbeWriter implements AutoCloseable {
    static final String AGENT = "bench-probe";
    static final String SESSION = "bench-probe-session";
    /** Events per second the background probes add to what the writers write. */
    static final int EVENTS_PER_SECOND = 100;

    private final Connection source;
    private final ProbeLog log;
    private final PreparedStatement insert;
    private long next;
    private Thread thread;
    private volatile boolean stopping;
    private volatile SQLException failure;

    /** {@code source} is this writer's own connection; it is closed with the writer. */
    ProbeWriter(Connection source, ProbeLog log) throws SQLException {
        this.source = source;
        this.log = log;
        source.setAutoCommit(true);
        try (PreparedStatement session = source.prepareStatement("INSERT INTO agent_sessions (session_id, agent_id, user_id, "
                + "agent_type, started_at) VALUES (?, ?, NULL, 'probe', clock_timestamp()) ON CONFLICT DO NOTHING")) {
            session.setString(1, SESSION);
            session.setString(2, AGENT);
            session.executeUpdate();
        }
        try (PreparedStatement last = source.prepareStatement(
                "SELECT coalesce(max((payload ->> 'probe')::bigint), 0) FROM agent_events WHERE agent_id = ?")) {
            last.setString(1, AGENT);
            try (ResultSet rs = last.executeQuery()) {
                rs.next();
                next = rs.getLong(1) + 1;
            }
        }
        insert = source.prepareStatement("INSERT INTO agent_events (event_id, agent_id, session_id, event_type, payload, "
                + "created_at) VALUES (?, ?, ?, 'tool_result', jsonb_build_object('probe', ?::bigint), clock_timestamp())");
    }

    /** Commits the next probe now; its number. */
    synchronized long commitOne() throws SQLException {
        long probe = next++;
        insert.setString(1, AGENT + "-" + probe);
        insert.setString(2, AGENT);
        insert.setString(3, SESSION);
        insert.setLong(4, probe);
        insert.executeUpdate();
        log.committed(probe, System.nanoTime());
        return probe;
    }

    /** Starts committing a probe every 10 ms on average until {@link #close()}. */
    void start() {
        thread = new Thread(() -> {
            try {
                while (!stopping) {
                    commitOne();
                    Thread.sleep(ThreadLocalRandom.current().nextLong(5, 16));
                }
            } catch (SQLException e) {
                failure = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bench-probe-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Throws if the background probes failed. */
    void check() throws SQLException {
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void close() throws SQLException {
        stopping = true;
        if (thread != null) {
            Interruptions.join(thread);
        }
        try {
            check();
        } finally {
            source.close();
        }
    }
}
