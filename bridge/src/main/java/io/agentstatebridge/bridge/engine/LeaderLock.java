package io.agentstatebridge.bridge.engine;

import io.agentstatebridge.bridge.config.DatabaseUrl;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Decides which of several bridges started with the same name streams: the one holding a
 * session-level advisory lock in the read-side database. PostgreSQL releases the lock the moment
 * its holder's session ends, so a standby can take over within its polling interval when the
 * active bridge dies, however it dies. {@code resnapshot} holds it too, so that no bridge streams
 * into a read side being rebuilt.
 *
 * <p>The lock only coordinates who tries; correctness never rests on it. Only one process at a
 * time can stream from a replication slot, and every batch carries its position, so even two
 * bridges briefly believing themselves active could neither lose nor double-apply a change.
 */
public final class LeaderLock implements AutoCloseable {
    private final DatabaseUrl target;
    private final String bridgeName;
    private Connection connection;
    private boolean held;

    public LeaderLock(DatabaseUrl target, String bridgeName) {
        this.target = target;
        this.bridgeName = bridgeName;
    }

    /** Takes the lock if nobody holds it; true when this bridge holds it afterwards. */
    public synchronized boolean tryAcquire() throws SQLException {
        if (held && stillConnected()) {
            return true;
        }
        if (connection == null || connection.isClosed()) {
            Properties properties = new Properties();
            properties.setProperty("ApplicationName", "agent-state-bridge-leader-lock");
            properties.setProperty("tcpKeepAlive", "true");
            properties.setProperty("connectTimeout", "10");
            connection = DriverManager.getConnection(target.jdbcUrl(), properties);
        }
        try (PreparedStatement lock = connection.prepareStatement(
                "SELECT pg_try_advisory_lock(hashtext('agent_state_bridge:' || ?)::bigint)")) {
            lock.setString(1, bridgeName);
            try (ResultSet rs = lock.executeQuery()) {
                rs.next();
                held = rs.getBoolean(1);
            }
        }
        return held;
    }

    private boolean stillConnected() {
        try (PreparedStatement ping = connection.prepareStatement("SELECT 1"); ResultSet ignored = ping.executeQuery()) {
            return true;
        } catch (SQLException e) {
            held = false;
            return false;
        }
    }

    @Override
    public synchronized void close() {
        held = false;
        try {
            if (connection != null) {
                connection.close(); // ends the session, which releases the lock
            }
        } catch (SQLException ignored) {
            // the session is gone either way
        }
    }
}
