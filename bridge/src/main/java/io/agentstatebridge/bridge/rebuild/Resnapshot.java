package io.agentstatebridge.bridge.rebuild;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.bridge.engine.LeaderLock;
import io.agentstatebridge.bridge.engine.ResumeOffsets;
import io.agentstatebridge.bridge.snapshot.SourceSnapshot;
import io.agentstatebridge.bridge.source.SetupException;
import io.agentstatebridge.bridge.source.SourcePreflight;
import io.agentstatebridge.bridge.source.TargetSetup;
import io.agentstatebridge.projections.apply.ProjectionApplier;
import io.agentstatebridge.projections.schema.ReadSideRebuild;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * `resnapshot`: rebuilds the read side from a fresh snapshot of the source while readers keep
 * querying the current tables, complete and unchanged, then swaps the new ones in with one
 * transaction. The way back after the replication slot was dropped or invalidated (`run` exits
 * with status 3), or whenever the read side must be rebuilt.
 *
 * <p>Steps: take the bridge's lock on the read side (refusing while a bridge streams); check the
 * source; then the bulk snapshot `run` takes on a first start ({@link SourceSnapshot}), always
 * through shadow tables: a new slot, the copy, the projections, the swap. Interrupted anywhere
 * before the swap, it leaves the live tables as they were and can simply be run again. After it,
 * `run` streams from the new slot, starting exactly after the snapshot.
 */
public final class Resnapshot {
    private final BridgeSettings settings;
    private final PrintWriter out;

    public Resnapshot(BridgeSettings settings, PrintWriter out) {
        this.settings = settings;
        this.out = out;
    }

    public void run() throws SQLException, InterruptedException {
        long started = System.nanoTime();
        TargetSetup.migrate(settings.target());
        try (LeaderLock lock = new LeaderLock(settings.target(), settings.name()); HikariDataSource target = readSidePool()) {
            if (!lock.tryAcquire()) {
                throw new SetupException("bridge '" + settings.name() + "' is running against the read side at "
                        + settings.target().describe() + " (it holds the bridge's lock there). Stop it first (SIGTERM), then "
                        + "run resnapshot again; standby instances may keep running and take over once the rebuild is done.");
            }
            ReadSideRebuild rebuild = new ReadSideRebuild(target);
            String missing = rebuild.missingPrivileges();
            if (missing != null) {
                throw new SetupException("the target role '" + settings.target().user() + "' cannot rebuild the read side: "
                        + "it lacks " + missing + ". Run resnapshot with a --target-url of the role that owns the read side "
                        + "(the one that ran migrate) or a superuser; the rebuilt tables get the privileges the current ones "
                        + "have, so the bridge's own role keeps working.");
            }
            List<String> dependents = rebuild.dependents();
            if (!dependents.isEmpty()) {
                throw new SetupException("the read-side tables are referred to by " + String.join(", ", dependents)
                        + ", which would go on showing the old tables after the swap. Drop them, run resnapshot, then create "
                        + "them again.");
            }
            new SourcePreflight(settings).run();
            out.printf("resnapshot: rebuilding the read side of bridge '%s' in schema %s from a fresh snapshot on slot '%s'; "
                    + "readers keep the current tables until the new ones are complete%n", settings.name(),
                    ReadSideRebuild.SHADOW_SCHEMA, settings.slot());
            out.flush();
            ProjectionApplier live = ProjectionApplier.takeOver(target, settings.name());
            new SourceSnapshot(settings, target, live, ResumeOffsets::atConsistentPoint, new SourceSnapshot.Progress() {
                @Override
                public void tableCopied(String table, long rows) {
                    out.printf("resnapshot: copied %s: %d rows%n", table, rows);
                    out.flush();
                }

                @Override
                public void retrying(String reason) {
                    out.printf("resnapshot: %s%n", reason);
                    out.flush();
                }
            }).run(true);
            printSummary(target, started);
        }
    }

    private void printSummary(HikariDataSource target, long started) throws SQLException {
        try (Connection connection = target.getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT (SELECT count(*) FROM public.agent_events), "
                     + "(SELECT count(*) FROM public.agent_sessions), "
                     + "(SELECT lsn::text FROM agent_state_bridge.source_position WHERE bridge_name = ?)")) {
            query.setString(1, settings.name());
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                out.printf("resnapshot: done in %.1f s. The read side of bridge '%s' now holds %d events and %d sessions from "
                                + "a fresh snapshot, at source position %s; the old tables are dropped. Start the bridge again "
                                + "with `run` and the same options: it resumes from slot '%s'.%n",
                        (System.nanoTime() - started) / 1e9, settings.name(), rs.getLong(1), rs.getLong(2),
                        rs.getString(3), settings.slot());
                out.flush();
            }
        }
    }

    private HikariDataSource readSidePool() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.target().jdbcUrl());
        config.setPoolName("read-side-rebuild");
        config.setMaximumPoolSize(3);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(10_000);
        config.addDataSourceProperty("ApplicationName", "agent-state-bridge-resnapshot");
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        return new HikariDataSource(config);
    }
}
