package io.agentstatebridge.tools.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * A reader of the read side polling, every 5 ms, the newest probe it shows: one primary-key lookup
 * of the probes' agent in agent_current_state. Probes commit in order and the bridge applies in
 * commit order, so seeing probe n means every probe up to n is visible. A probe's visibility time
 * is when the poll that first saw it started: exact to the poll interval. Runs on a thread of its
 * own until closed.
 */
final class ProbeWatcher implements AutoCloseable {
    static final long POLL_MILLIS = 5;

    private final Connection target;
    private final ProbeLog log;
    private final Thread thread;
    private volatile boolean stopping;
    private volatile SQLException failure;

    /** {@code target} is this watcher's own connection; it is closed with the watcher. */
    ProbeWatcher(Connection target, ProbeLog log) {
        this.target = target;
        this.log = log;
        thread = new Thread(this::poll, "bench-probe-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    private void poll() {
        try (PreparedStatement newest = target.prepareStatement(
                "SELECT (payload ->> 'probe')::bigint FROM agent_current_state WHERE agent_id = ?")) {
            newest.setString(1, ProbeWriter.AGENT);
            while (!stopping) {
                long started = System.nanoTime();
                try (ResultSet rs = newest.executeQuery()) {
                    if (rs.next() && rs.getLong(1) > log.lastVisible()) {
                        log.visibleUpTo(rs.getLong(1), started);
                    }
                } catch (SQLException e) {
                    if (!"42P01".equals(e.getSQLState())) { // the bridge has not created the read side yet
                        throw e;
                    }
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (SQLException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until {@code probe} is visible; false after {@code timeout}. Throws if the bridge exits
     * or the polling fails meanwhile.
     */
    boolean awaitVisible(long probe, Duration timeout, RunningBridge bridge) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (log.lastVisible() < probe) {
            if (failure != null) {
                throw failure;
            }
            bridge.ensureAlive();
            if (System.nanoTime() > deadline) {
                return false;
            }
            log.awaitChange(50);
        }
        return true;
    }

    @Override
    public void close() throws SQLException {
        stopping = true;
        Interruptions.join(thread);
        target.close();
        if (failure != null) {
            throw failure;
        }
    }
}
