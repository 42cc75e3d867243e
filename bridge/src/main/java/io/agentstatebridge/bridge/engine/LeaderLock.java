package io.agentstatebridge.bridge.engine;

import io.agentstatebridge.bridge.config.DatabaseUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;

/**
 * Decides which of several bridges started with the same name streams: the one holding a
 * session-level advisory lock in the read-side database. PostgreSQL releases the lock the moment
 * its holder's session ends, so a standby can take over within its polling interval when the
 * active bridge's process dies, and within about 25 s (TCP keepalive) when its host or network
 * vanishes without closing the connection.
 * {@code resnapshot} holds it too, so that no bridge streams into a read side being rebuilt.
 *
 * <p>The lock only coordinates who tries; correctness never rests on it. Only one process at a
 * time can stream from a replication slot, and every batch carries its position, so even two
 * bridges briefly believing themselves active could neither lose nor double-apply a change.
 */
public final class LeaderLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderLock.class);
    private static final String TRY_LOCK = "SELECT pg_try_advisory_lock(hashtext('agent_state_bridge:' || ?)::bigint)";
    /**
     * The server notices a peer that vanished without closing (host died, network lost) only by
     * TCP keepalive; its default waits two hours, during which the dead session would keep the lock.
     */
    private static final String KEEPALIVES = "SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; "
            + "SET tcp_keepalives_count = 3";
    /** Sessions this instance opened earlier, still alive on the server: left behind by a lost network. */
    private static final String END_OWN_EARLIER_SESSIONS = "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            + "WHERE application_name = ? AND pid <> pg_backend_pid()";
    private static final Duration RELEASE_WAIT = Duration.ofSeconds(5);

    private final DatabaseUrl target;
    private final String bridgeName;
    /** Unique to this instance, so that its own sessions can be told from other instances'. */
    private final String sessionName = "agent-state-bridge-leader-lock " + UUID.randomUUID().toString().substring(0, 13);
    private Connection connection;
    private volatile boolean held; // read without the monitor: a status tick must not wait on a connect
    private boolean everHeld;

    public LeaderLock(DatabaseUrl target, String bridgeName) {
        this.target = target;
        this.bridgeName = bridgeName;
    }

    /**
     * Takes the lock if nobody holds it; true when this bridge holds it afterwards. After the lock's
     * session was lost (read-side restart, network), opens a new one and tries to take it again.
     */
    public synchronized boolean tryAcquire() throws SQLException {
        if (held && stillConnected()) {
            return true;
        }
        held = false;
        try {
            if (connection == null) {
                connection = open();
            }
            held = tryLock();
            if (!held && everHeld && endOwnEarlierSessions() > 0) {
                held = awaitRelease();
            }
        } catch (SQLException e) {
            dropConnection();
            throw e;
        }
        everHeld |= held;
        return held;
    }

    private Connection open() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("ApplicationName", sessionName);
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("connectTimeout", "10");
        // A check must not hang on a silent network; a timed-out session is given up for a new one.
        properties.setProperty("socketTimeout", "10");
        Connection opened = DriverManager.getConnection(target.jdbcUrl(), properties);
        try (Statement statement = opened.createStatement()) {
            statement.execute(KEEPALIVES);
        } catch (SQLException e) {
            opened.close();
            throw e;
        }
        return opened;
    }

    private boolean tryLock() throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement(TRY_LOCK)) {
            lock.setString(1, bridgeName);
            try (ResultSet rs = lock.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /**
     * After a network partition the server may still hold this instance's previous lock session,
     * and with it the lock: it has not noticed the peer is gone. That session is ours; end it.
     */
    private long endOwnEarlierSessions() throws SQLException {
        try (PreparedStatement end = connection.prepareStatement(END_OWN_EARLIER_SESSIONS)) {
            end.setString(1, sessionName);
            try (ResultSet rs = end.executeQuery()) {
                rs.next();
                long ended = rs.getLong(1);
                if (ended > 0) {
                    LOG.info("ended {} lock session(s) this instance had lost but the read side still kept", ended);
                }
                return ended;
            }
        }
    }

    /** A terminated session lets go of its locks as it exits, a moment later. */
    private boolean awaitRelease() throws SQLException {
        long deadline = System.nanoTime() + RELEASE_WAIT.toNanos();
        while (!tryLock()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Whether this bridge held the lock at its last check (the active one is re-checked every second by {@link LeadershipWatch}). */
    boolean held() {
        return held;
    }

    private boolean stillConnected() {
        try (PreparedStatement ping = connection.prepareStatement("SELECT 1"); ResultSet answer = ping.executeQuery()) {
            return answer.next();
        } catch (SQLException e) {
            // The session is gone, and with it the lock: PostgreSQL released it when the session ended.
            dropConnection();
            return false;
        }
    }

    private void dropConnection() {
        held = false;
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException ignored) {
            // broken already
        }
        connection = null;
    }

    @Override
    public synchronized void close() {
        dropConnection(); // ends the session, which releases the lock
    }
}
