package io.agentstatebridge.loadgen;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A simulated agent fleet writing to the write side at a steady rate: sessions open, messages
 * arrive with token counts, tools are called, decisions made, errors happen, tasks complete,
 * sessions end and new ones begin. Agents are spread over a few worker connections; each worker
 * paces itself against the wall clock and writes what is due in one short transaction.
 */
public final class LoadGenerator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LoadGenerator.class);
    private static final int MAX_EVENTS_PER_TRANSACTION = 200;

    private final LoadSettings settings;
    private final HikariDataSource source;
    private final AtomicLong eventsWritten = new AtomicLong();
    private final AtomicLong sessionsStarted = new AtomicLong();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /** {@code sourceJdbcUrl}: the write side, credentials included as the PostgreSQL driver takes them. */
    public LoadGenerator(String sourceJdbcUrl, LoadSettings settings) {
        this.settings = settings;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(sourceJdbcUrl);
        config.setPoolName("loadgen");
        config.setMaximumPoolSize(settings.workers());
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        config.addDataSourceProperty("ApplicationName", "agent-state-bridge-loadgen");
        this.source = new HikariDataSource(config);
    }

    /** Writes for the configured duration (or until {@link #stop()}); returns events written. */
    public long run() throws InterruptedException {
        ExecutorService workers = Executors.newFixedThreadPool(settings.workers(), r -> new Thread(r, "loadgen-worker"));
        List<Future<?>> running = new ArrayList<>();
        long started = System.nanoTime();
        long deadline = settings.duration().isZero() ? Long.MAX_VALUE : started + settings.duration().toNanos();
        for (int w = 0; w < settings.workers(); w++) {
            List<SimulatedAgent> agents = new ArrayList<>();
            for (int a = w; a < settings.agents(); a += settings.workers()) {
                agents.add(new SimulatedAgent("agent-" + a, settings.seed() * 31 + a));
            }
            double rate = settings.eventsPerSecond() / settings.workers();
            running.add(workers.submit(() -> work(agents, rate, started, deadline)));
        }
        workers.shutdown();
        try {
            for (Future<?> worker : running) {
                worker.get();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            stop();
            throw new IllegalStateException("load generation failed: " + e.getCause().getMessage(), e.getCause());
        }
        return eventsWritten.get();
    }

    public void stop() {
        stopping.set(true);
    }

    /**
     * A thread, not yet started, that runs {@link #run()}; a failure of the writers is kept for
     * {@link #failure()} rather than lost with the thread.
     */
    public Thread inBackground(String threadName) {
        return new Thread(() -> {
            try {
                run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                failure.set(e);
            }
        }, threadName);
    }

    /** Why a background run of the writers ended early, or null. */
    public Throwable failure() {
        return failure.get();
    }

    public long eventsWritten() {
        return eventsWritten.get();
    }

    public long sessionsStarted() {
        return sessionsStarted.get();
    }

    private Void work(List<SimulatedAgent> agents, double eventsPerSecond, long started, long deadline) throws SQLException, InterruptedException {
        long written = 0;
        int next = 0;
        while (!stopping.get()) {
            long now = System.nanoTime();
            if (now >= deadline) {
                break;
            }
            long due = (long) ((now - started) / 1e9 * eventsPerSecond) - written;
            if (due <= 0) {
                Thread.sleep(Math.max(1, (long) (1000 / eventsPerSecond / 2)));
                continue;
            }
            int count = (int) Math.min(due, MAX_EVENTS_PER_TRANSACTION);
            List<SimulatedAgent.Write> writes = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                writes.addAll(agents.get(next).nextWrites());
                next = (next + 1) % agents.size();
            }
            write(writes);
            written += count;
        }
        return null;
    }

    private void write(List<SimulatedAgent.Write> writes) throws SQLException {
        try (Connection connection = source.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement sessions = connection.prepareStatement(
                    "INSERT INTO agent_sessions (session_id, agent_id, user_id, agent_type, metadata) VALUES (?, ?, ?, ?, ?::jsonb)");
                 PreparedStatement events = connection.prepareStatement(
                         "INSERT INTO agent_events (event_id, agent_id, session_id, event_type, payload) VALUES (?, ?, ?, ?, ?::jsonb)")) {
                int newSessions = 0;
                int newEvents = 0;
                for (SimulatedAgent.Write write : writes) {
                    if (write instanceof SimulatedAgent.SessionStart s) {
                        sessions.setString(1, s.sessionId());
                        sessions.setString(2, s.agentId());
                        sessions.setString(3, s.userId());
                        sessions.setString(4, s.agentType());
                        sessions.setString(5, s.metadata());
                        sessions.addBatch();
                        newSessions++;
                    } else if (write instanceof SimulatedAgent.Event e) {
                        events.setString(1, e.eventId());
                        events.setString(2, e.agentId());
                        events.setString(3, e.sessionId());
                        events.setString(4, e.eventType());
                        events.setString(5, e.payload());
                        events.addBatch();
                        newEvents++;
                    }
                }
                if (newSessions > 0) {
                    sessions.executeBatch();
                }
                events.executeBatch();
                connection.commit();
                eventsWritten.addAndGet(newEvents);
                sessionsStarted.addAndGet(newSessions);
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    @Override
    public void close() {
        stop();
        source.close();
        LOG.debug("load generator closed after {} events", eventsWritten.get());
    }

    /** How much load to generate. A zero duration runs until stopped. */
    public record LoadSettings(int agents, double eventsPerSecond, Duration duration, int workers, long seed) {
        public LoadSettings {
            if (agents < 1) {
                throw new IllegalArgumentException("--agents must be at least 1, got " + agents);
            }
            if (eventsPerSecond <= 0) {
                throw new IllegalArgumentException("--rate must be positive, got " + eventsPerSecond);
            }
            if (workers < 1) {
                throw new IllegalArgumentException("--workers must be at least 1, got " + workers);
            }
            workers = Math.min(workers, agents);
        }
    }
}
