package io.agentstatebridge.tools.bench;

import io.agentstatebridge.bridge.engine.Bridge;
import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.bridge.verify.Verification;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Starts the bridge under test in this JVM and waits for the states the measurements time:
 * streaming, and caught up with a known number of events. Waiting polls the bridge's own counter
 * first and counts rows on the read side only near the end, so the wait itself barely loads the
 * target.
 */
final class BridgeRunner {
    private BridgeRunner() {
    }

    /** Starts a bridge and returns once it streams: a marker written now has reached the read side. */
    static Bridge startStreaming(BenchDatabases databases, Duration timeout) throws SQLException, InterruptedException {
        Bridge bridge = new Bridge(databases.bridgeSettings());
        bridge.start();
        awaitSlotActive(databases, timeout);
        if (!verify(databases, timeout).equal()) {
            bridge.close();
            throw new IllegalStateException("the bridge started but its read side differs from the source");
        }
        return bridge;
    }

    /** Outcome of the bridge's verification, with its report. */
    record Verdict(boolean equal, String report) {
    }

    static Verdict verify(BenchDatabases databases, Duration timeout) throws SQLException, InterruptedException {
        StringWriter report = new StringWriter();
        boolean equal = new Verification(databases.source(), databases.target(), BenchDatabases.BRIDGE, timeout,
                new PrintWriter(report, true)).run();
        return new Verdict(equal, report.toString());
    }

    /**
     * Waits until the read side holds {@code events} events, or the timeout passes; returns the
     * nanoTime at which it was seen, or -1 on timeout. {@code changes} is what the bridge must have
     * applied at least (events and sessions) before counting rows is worth it.
     */
    static long awaitEvents(Bridge bridge, BenchDatabases databases, long events, long changes, Duration timeout,
                            String label, PrintWriter out) throws SQLException, InterruptedException {
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        long lastReport = started;
        long lastCount = 0;
        try (Connection target = databases.openTarget();
             PreparedStatement count = target.prepareStatement("SELECT count(*) FROM agent_events")) {
            while (System.nanoTime() < deadline) {
                if (bridge.state() == BridgeState.FAILED) {
                    throw new IllegalStateException("the bridge failed: " + bridge.failure().getMessage(), bridge.failure());
                }
                long applied = bridge.stats().changesApplied();
                boolean nearlyThere = applied >= changes;
                boolean reportDue = System.nanoTime() - lastReport > 5_000_000_000L;
                if (nearlyThere || reportDue) {
                    try (ResultSet rs = count.executeQuery()) {
                        rs.next();
                        lastCount = rs.getLong(1);
                    }
                    if (lastCount >= events) {
                        return System.nanoTime();
                    }
                }
                if (reportDue) {
                    lastReport = System.nanoTime();
                    out.printf("    %s: %,d of %,d events on the read side (%.0f s)%n", label, lastCount, events,
                            (lastReport - started) / 1e9);
                    out.flush();
                }
                Thread.sleep(nearlyThere ? 20 : 100);
            }
        }
        out.printf("    %s: timed out after %d s with %,d of %,d events on the read side%n", label,
                timeout.toSeconds(), lastCount, events);
        return -1;
    }

    private static void awaitSlotActive(BenchDatabases databases, Duration timeout) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Connection source = databases.openSource();
             PreparedStatement query = source.prepareStatement(
                     "SELECT 1 FROM pg_replication_slots WHERE slot_name = ? AND active AND database = current_database()")) {
            query.setString(1, BenchDatabases.BRIDGE);
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = query.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("the bridge's replication slot did not become active within " + timeout.toSeconds() + " s");
    }
}
