package io.agentstatebridge.bridge.verify;

import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.agentstatebridge.bridge.source.DatabaseConnections;
import io.agentstatebridge.bridge.source.SetupException;
import io.agentstatebridge.bridge.source.StreamMarker;
import io.agentstatebridge.projections.verify.ReadSideComparison;
import io.agentstatebridge.projections.verify.RelationDifference;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Proves the read side equals its definitions on the source. A marker row written to the
 * source's heartbeat table travels the replication stream behind everything committed before it;
 * once it shows on the read side, the comparison starts. A source still being written may differ
 * by what arrived meanwhile, so a difference is rechecked a few times before it is reported.
 */
public final class Verification {
    private final DatabaseUrl source;
    private final DatabaseUrl target;
    private final String bridgeName;
    private final Duration timeout;
    private final PrintWriter out;

    public Verification(DatabaseUrl source, DatabaseUrl target, String bridgeName, Duration timeout, PrintWriter out) {
        this.source = source;
        this.target = target;
        this.bridgeName = bridgeName;
        this.timeout = timeout;
        this.out = out;
    }

    /** True when every projection and replica equals its definition. */
    public boolean run() throws SQLException, InterruptedException {
        long marker = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        String markerRow = bridgeName + ":verify";
        try (Connection sourceConnection = DatabaseConnections.open(source, "source");
             Connection targetConnection = DatabaseConnections.open(target, "target")) {
            writeMarker(sourceConnection, markerRow, marker);
            awaitMarker(targetConnection, markerRow, marker);
            out.println("the read side has applied everything committed on the source before verification started");
            List<RelationDifference> differences = List.of();
            for (int attempt = 1; attempt <= 5; attempt++) {
                differences = new ReadSideComparison(20).compare(sourceConnection, targetConnection);
                if (differences.stream().allMatch(RelationDifference::isEqual)) {
                    break;
                }
                Thread.sleep(2_000);
                writeMarker(sourceConnection, markerRow, ++marker);
                awaitMarker(targetConnection, markerRow, marker);
            }
            differences.forEach(d -> out.println(d.describe()));
            boolean equal = differences.stream().allMatch(RelationDifference::isEqual);
            out.println(equal ? "verify: every projection and replica equals its definition on the source"
                    : "verify: the read side DIFFERS from the definitions on the source");
            return equal;
        }
    }

    private static void writeMarker(Connection source, String markerRow, long marker) throws SQLException {
        try {
            StreamMarker.write(source, markerRow, marker);
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                throw new SetupException("the source has no agent_state_bridge.heartbeat table: has a bridge ever run "
                        + "against it? Start one with `agent-state-bridge run` first.", e);
            }
            throw e;
        }
    }

    private void awaitMarker(Connection readSide, String markerRow, long marker) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (!StreamMarker.arrived(readSide, "agent_state_bridge.heartbeat", markerRow, marker)) {
                if (System.nanoTime() > deadline) {
                    throw new SetupException("the read side did not receive the verification marker within "
                            + timeout.toSeconds() + " s: is a bridge running from " + source.describe() + " to "
                            + target.describe() + "? Check its log, or raise --timeout.");
                }
                Thread.sleep(100);
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState()) || "3F000".equals(e.getSQLState())) {
                throw new SetupException("the target " + target.describe() + " has no read-side schema: run "
                        + "`agent-state-bridge run` (or `migrate`) against it first.", e);
            }
            throw e;
        }
    }
}
