package io.agentstatebridge.bridge.testing;

import io.agentstatebridge.bridge.config.DatabaseUrl;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Ends a bridge's sessions on the source, as a DBA's pg_terminate_backend or a network blip does:
 * the connector loses its replication stream (or its snapshot) and restarts its task inside the
 * process, resuming from the position stored on the read side. Runs on a background thread at
 * random moments, or on demand.
 */
public final class BridgeConnectionKiller implements AutoCloseable {
    /** The application_name the bridge gives every connection it opens. */
    private static final String BRIDGE_APPLICATION = "agent-state-bridge";

    private final DatabaseUrl source;
    private final String slot;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicInteger kills = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private Thread thread;

    public BridgeConnectionKiller(DatabaseUrl source, String slot) {
        this.source = source;
        this.slot = slot;
    }

    /** True once the slot exists and has reached its consistent point (its creation is over). */
    public boolean slotCreated() throws SQLException {
        return terminate("SELECT count(*) FROM pg_replication_slots WHERE slot_name = ? AND confirmed_flush_lsn IS NOT NULL", slot) > 0;
    }

    /** Terminates the walsender streaming from the slot; false when none was active. */
    public boolean killReplication() throws SQLException {
        return terminate("SELECT count(*) FILTER (WHERE pg_terminate_backend(active_pid)) FROM pg_replication_slots "
                + "WHERE slot_name = ? AND active_pid IS NOT NULL", slot) > 0;
    }

    /**
     * Terminates every session of the bridge on the source database: the replication connection and
     * the bridge's own carry its application name, the connector's JDBC sessions (snapshot, heartbeat)
     * call themselves "Debezium ...".
     */
    public int killAll() throws SQLException {
        return terminate("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                + "WHERE (application_name = ? OR application_name LIKE 'Debezium%') AND datname = current_database() "
                + "AND pid <> pg_backend_pid()", BRIDGE_APPLICATION);
    }

    /** Kills at random moments {@code minPause} to {@code maxPause} apart, a quarter of them every session. */
    public BridgeConnectionKiller start(Random random, Duration minPause, Duration maxPause) {
        running.set(true);
        thread = new Thread(() -> {
            try {
                while (running.get()) {
                    Thread.sleep(minPause.toMillis() + (long) (random.nextDouble() * (maxPause.toMillis() - minPause.toMillis())));
                    if (running.get() && (random.nextInt(4) == 0 ? killAll() > 0 : killReplication())) {
                        kills.incrementAndGet();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "bridge-connection-killer");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** Kills by the background thread that ended a session. */
    public int kills() {
        return kills.get();
    }

    /** Stops the background thread; fails if it failed. */
    public void stop() throws InterruptedException {
        running.set(false);
        if (thread != null) {
            thread.interrupt();
            thread.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("the connection killer failed", failure.get());
        }
    }

    @Override
    public void close() {
        running.set(false);
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private int terminate(String sql, String parameter) throws SQLException {
        try (Connection connection = DriverManager.getConnection(source.jdbcUrl());
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, parameter);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
