package io.agentstatebridge.tools.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The initial snapshot: a source holding the events, writers still writing (1,000 events/s) while a
 * bridge starts for the first time on an empty read side. The snapshot is timed from the process's
 * start until the read side shows a position (visible_lsn, NULL while a snapshot loads), and its
 * size is the events the read side holds in that same statement's view; then the writers stop, the
 * bridge catches up with what they wrote meanwhile, and the read side is verified equal. Leaves the
 * databases loaded for the readers' lookups, which the caller runs next and then releases.
 */
final class SnapshotMeasurement {
    static final String NAME = "snapshot";
    /** What the writers write while the snapshot runs. */
    static final int WRITE_RATE = 1_000;

    private final BenchEnvironment environment;
    private final Layout layout;
    private final BenchSettings settings;
    private final BridgeRuns bridges;
    private final PrintWriter out;

    SnapshotMeasurement(BenchEnvironment environment, Layout layout, BenchSettings settings, BridgeRuns bridges,
            PrintWriter out) {
        this.environment = environment;
        this.layout = layout;
        this.settings = settings;
        this.bridges = bridges;
        this.out = out;
    }

    void run(BenchDatabases databases, BenchResults results) throws SQLException, InterruptedException, IOException {
        out.printf("%n[%s, %s] %,d pre-existing events, writers adding %,d events/s, a bridge's first start%n",
                layout.label(), NAME, settings.events(), WRITE_RATE);
        AtomicLong numbers = new AtomicLong();
        EventWriter.preload(databases.source(), settings.events(), numbers, "preload", out);
        environment.checkpoint();
        ProbeLog log = new ProbeLog();
        EventWriter writers = new EventWriter(databases.source(), 4, true, numbers);
        EventWriter.Paced writing = writers.paced(WRITE_RATE, "writers", out);
        Thread.sleep(1_000); // the writers are writing when the bridge starts
        Duration bound = Duration.ofSeconds(60 + settings.events() / 1_000);
        long snapshotEvents;
        double seconds;
        double catchUpSeconds;
        long peak;
        BridgeRuns.Verdict verdict;
        try (ProbeWriter probes = new ProbeWriter(databases.openSource(), log);
             ProbeWatcher watcher = new ProbeWatcher(databases.openTarget(), log);
             RunningBridge bridge = bridges.launch(databases, JvmOptions.LAUNCHER, List.of(), "snapshot");
             ProcessMemory memory = new ProcessMemory(bridge.pid());
             Connection target = databases.openTarget()) {
            snapshotEvents = awaitSnapshot(target, databases.bridge(), bridge, bound);
            long done = System.nanoTime();
            seconds = snapshotEvents < 0 ? Double.NaN : (done - bridge.startedNanos()) / 1e9;
            long written = writing.stop().events();
            boolean caughtUp = snapshotEvents >= 0 && watcher.awaitVisible(probes.commitOne(), bound, bridge);
            catchUpSeconds = caughtUp ? (System.nanoTime() - done) / 1e9 : Double.NaN;
            peak = memory.peakBytes();
            verdict = caughtUp ? bridges.verify(databases, Duration.ofSeconds(600)) : new BridgeRuns.Verdict(false, "not caught up");
            out.printf("    the writers wrote %,d events during the run%n", written);
        } finally {
            writing.stop();
        }
        BenchResults.Scope figures = results.scope(layout, NAME, "initial snapshot");
        figures.add("bridge", snapshotEvents / seconds, BenchFigure.EVENTS_PER_SECOND, Target.SNAPSHOT, String.format(
                "%,d events in %.1f s from the process's start, writers adding %,d events/s; caught up with them %.1f s later; %s",
                snapshotEvents, seconds, WRITE_RATE, catchUpSeconds, verdict.equal() ? "verified equal" : "verification: DIFFERS"));
        figures.add("verified equal", verdict.equal() ? 1 : 0, BenchFigure.YES, "");
        results.scope(layout, CatchUpMeasurement.MEMORY, "snapshot").add(JvmOptions.LAUNCHER.describe(),
                peak < 0 ? Double.NaN : peak / 1048576.0, BenchFigure.MEGABYTES, "peak resident set (VmHWM) through the snapshot "
                        + "and catching up after it");
    }

    /**
     * Waits until the read side shows a position; the events it holds in the view of the statement
     * that first saw it (the snapshot's, streaming starts after), or -1 after {@code bound}.
     */
    private long awaitSnapshot(Connection target, String bridgeName, RunningBridge bridge, Duration bound)
            throws SQLException, InterruptedException {
        long deadline = bridge.startedNanos() + bound.toNanos();
        long lastReport = System.nanoTime();
        try (PreparedStatement done = target.prepareStatement("SELECT (SELECT count(*) FROM public.agent_events) "
                + "FROM agent_state_bridge.source_position WHERE bridge_name = ? AND visible_lsn IS NOT NULL")) {
            done.setString(1, bridgeName);
            while (System.nanoTime() < deadline) {
                bridge.ensureAlive();
                try (ResultSet rs = done.executeQuery()) {
                    if (rs.next()) {
                        return rs.getLong(1);
                    }
                } catch (SQLException e) {
                    // The bridge creates the read side in steps: no table, then a table without the column yet.
                    if (!"42P01".equals(e.getSQLState()) && !"42703".equals(e.getSQLState())) {
                        throw e;
                    }
                }
                if (System.nanoTime() - lastReport > 15_000_000_000L) {
                    lastReport = System.nanoTime();
                    out.printf("    snapshot: %.0f s%n", (lastReport - bridge.startedNanos()) / 1e9);
                    out.flush();
                }
                Thread.sleep(20);
            }
        }
        out.printf("    snapshot: not complete after %d s%n", bound.toSeconds());
        return -1;
    }
}
