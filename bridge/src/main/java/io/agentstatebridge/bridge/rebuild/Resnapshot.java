package io.agentstatebridge.bridge.rebuild;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.bridge.engine.LeaderLock;
import io.agentstatebridge.bridge.engine.RebuildStream;
import io.agentstatebridge.bridge.source.DatabaseConnections;
import io.agentstatebridge.bridge.source.SetupException;
import io.agentstatebridge.bridge.source.SourcePreflight;
import io.agentstatebridge.bridge.source.TargetSetup;
import io.agentstatebridge.projections.schema.ReadSideRebuild;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * `resnapshot`: rebuilds the read side from a fresh snapshot of the source while readers keep
 * querying the current tables, complete and unchanged, then swaps the new ones in with one
 * transaction. The way back after the replication slot was dropped or invalidated (`run` exits
 * with status 3), or whenever the read side must be rebuilt.
 *
 * <p>Steps: take the bridge's lock on the read side (refusing while a bridge streams); check the
 * source; drop the old slot; create empty shadow tables; stream a snapshot and the changes since
 * into them on a new slot, their position kept beside them, until a marker written on the source
 * after the snapshot has arrived; stop; swap. Interrupted anywhere before the swap, it leaves the
 * live tables as they were and can simply be run again. After it, `run` resumes from the new slot.
 */
public final class Resnapshot {
    private static final Duration SWAP_LOCK_TIMEOUT = Duration.ofMillis(500);
    private static final Duration SWAP_GIVE_UP = Duration.ofMinutes(30);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);
    private static final Duration SLOT_CHECK_EVERY = Duration.ofSeconds(5);

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
            dropSlot();
            rebuild.prepare();
            out.printf("resnapshot: rebuilding the read side of bridge '%s' in schema %s from a fresh snapshot on slot '%s'; "
                    + "readers keep the current tables until the new ones are complete%n", settings.name(),
                    ReadSideRebuild.SHADOW_SCHEMA, settings.slot());
            out.flush();
            try (RebuildStream stream = RebuildStream.start(settings, target, rebuild.schema())) {
                new CatchUp(settings, target, RebuildStream.positionTable(rebuild.schema()), out)
                        .await(stream, PROGRESS_EVERY, SLOT_CHECK_EVERY);
            }
            rebuild.analyze();
            swap(rebuild);
            rebuild.dropLeftovers();
            printSummary(target, started);
        }
    }

    /** The old slot cannot serve the read side any more; the rebuild needs a new one, made with its snapshot. */
    private void dropSlot() throws SQLException {
        try (Connection source = DatabaseConnections.open(settings.source(), "source");
             PreparedStatement drop = source.prepareStatement(
                     "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
            drop.setString(1, settings.slot());
            try (ResultSet rs = drop.executeQuery()) {
                if (rs.next()) {
                    out.printf("resnapshot: dropped the old replication slot '%s'%n", settings.slot());
                }
            }
        } catch (SQLException e) {
            if ("55006".equals(e.getSQLState())) { // object_in_use
                throw new SetupException("replication slot '" + settings.slot() + "' is in use by another process on the "
                        + "source: stop whatever streams from it, then run resnapshot again.", e);
            }
            throw e;
        }
    }

    /**
     * Retries while readers hold the live tables. Each attempt waits at most a moment for them, so
     * readers queued behind it wait no longer; and less than PostgreSQL's default deadlock_timeout
     * (1 s), so that when a reader and the swap lock the tables in opposite orders, the swap is the
     * one that gives way.
     */
    private void swap(ReadSideRebuild rebuild) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + SWAP_GIVE_UP.toNanos();
        for (int attempt = 1; ; attempt++) {
            long started = System.nanoTime();
            if (rebuild.swap(settings.name(), SWAP_LOCK_TIMEOUT)) {
                out.printf("resnapshot: rebuilt tables swapped in by one transaction of %d ms%n",
                        (System.nanoTime() - started) / 1_000_000);
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new Failed("readers held the read-side tables for " + SWAP_GIVE_UP.toMinutes() + " minutes without a "
                        + "pause of " + SWAP_LOCK_TIMEOUT.toMillis() + " ms, so the rebuilt tables could not be swapped in. "
                        + "The live tables are unchanged; run resnapshot again when long-running reads are done.");
            }
            if (attempt == 1 || attempt % 20 == 0) {
                out.printf("resnapshot: readers are holding the read-side tables; trying the swap again (attempt %d)%n", attempt);
                out.flush();
            }
            Thread.sleep(ThreadLocalRandom.current().nextLong(100, 500));
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

    /** The rebuild could not finish; the live tables are unchanged. */
    public static final class Failed extends RuntimeException {
        Failed(String message) {
            super(message);
        }
    }
}
