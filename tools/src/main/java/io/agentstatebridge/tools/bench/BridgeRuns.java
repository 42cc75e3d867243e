package io.agentstatebridge.tools.bench;

import io.agentstatebridge.bridge.verify.Verification;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What every measurement does with a bridge process: start it from the production jar (printing the
 * command line the first time), wait until it streams, prove its read side equal with the
 * `verify` command's logic, and read its progress from the read side. Everything is observed
 * through the bridge's public surfaces: its read-side tables and its process.
 */
final class BridgeRuns {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    private final BridgeJar jar;
    private final Path logs;
    private final PrintWriter out;
    private int started;

    BridgeRuns(BridgeJar jar, Path logs, PrintWriter out) {
        this.jar = jar;
        this.logs = logs;
        this.out = out;
    }

    /** Where the bridges' logs (and flight recordings) go. */
    Path logs() {
        return logs;
    }

    RunningBridge launch(BenchDatabases databases, JvmOptions options, List<String> extraJvmOptions, String purpose)
            throws IOException {
        String name = String.format("%02d-%s-%s", ++started, databases.layout().option(),
                purpose.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-"));
        RunningBridge bridge = jar.launch(databases, options, extraJvmOptions, logs.resolve(name + ".log"));
        if (started == 1) {
            out.printf("    the bridge runs as its own process, e.g.: %s%n", bridge.commandLine());
        }
        return bridge;
    }

    /** Starts a bridge and returns once it streams: a probe committed now has reached the read side. */
    RunningBridge startStreaming(BenchDatabases databases, ProbeWriter probes, ProbeWatcher watcher, String purpose)
            throws IOException, SQLException, InterruptedException {
        RunningBridge bridge = launch(databases, JvmOptions.LAUNCHER, List.of(), purpose);
        try {
            awaitStreaming(bridge, probes, watcher);
            return bridge;
        } catch (SQLException | InterruptedException | RuntimeException e) {
            bridge.close();
            throw e;
        }
    }

    void awaitStreaming(RunningBridge bridge, ProbeWriter probes, ProbeWatcher watcher) throws SQLException, InterruptedException {
        if (!watcher.awaitVisible(probes.commitOne(), START_TIMEOUT, bridge)) {
            throw new IllegalStateException("the bridge did not stream within " + START_TIMEOUT.toSeconds() + " s; its log ("
                    + bridge.log() + ") ends:\n" + bridge.tail());
        }
    }

    /**
     * Runs a bridge once on the (empty) source and stops it: its slot, publication and read side
     * then exist, and what is written next is a backlog it streams from its slot when started again.
     */
    void prepare(BenchDatabases databases, ProbeLog log) throws IOException, SQLException, InterruptedException {
        try (ProbeWriter probes = new ProbeWriter(databases.openSource(), log);
             ProbeWatcher watcher = new ProbeWatcher(databases.openTarget(), log);
             RunningBridge bridge = startStreaming(databases, probes, watcher, "prepare-" + databases.bridge())) {
            int status = bridge.terminate();
            if (status != 0) {
                throw new IllegalStateException("the bridge exited with status " + status + " on SIGTERM; see " + bridge.log());
            }
        }
    }

    /** Outcome of the bridge's verification, with its report. */
    record Verdict(boolean equal, String report) {
    }

    /** The `verify` command's comparison of every projection and replica with its definition on the source. */
    Verdict verify(BenchDatabases databases, Duration timeout) throws SQLException, InterruptedException {
        StringWriter report = new StringWriter();
        boolean equal = new Verification(databases.source(), databases.target(), databases.bridge(), timeout,
                new PrintWriter(report, true)).run();
        if (!equal) {
            out.println(report);
        }
        return new Verdict(equal, report.toString());
    }

    /** Changes (events and sessions) the bridge has applied into this read side, as its position row counts them; -1 if unknown. */
    static long changesApplied(Connection target, String bridge) {
        try (PreparedStatement query = target.prepareStatement(
                "SELECT changes_applied FROM agent_state_bridge.source_position WHERE bridge_name = ?")) {
            query.setString(1, bridge);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            return -1;
        }
    }
}
