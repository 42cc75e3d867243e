package io.agentstatebridge.bridge.testing;

import io.agentstatebridge.bridge.engine.Bridge;
import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.bridge.status.BridgeStatus;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What an in-process bridge showed operators during an outage, sampled four times a second: the
 * states and last errors of its status, the state in its status table on the read side (when
 * that is reachable), and whether it ever stopped.
 */
public final class OutageObservation {
    private final Set<BridgeState> states = new LinkedHashSet<>();
    private final Set<BridgeState> tableStates = new LinkedHashSet<>();
    private final Set<String> errors = new LinkedHashSet<>();
    private final Set<BridgeState> lifecycle = new LinkedHashSet<>();
    private double maxLag;

    private OutageObservation() {
    }

    /** Samples {@code bridge} for {@code period}. */
    public static OutageObservation during(Bridge bridge, BridgeDatabases databases, Duration period)
            throws InterruptedException {
        OutageObservation seen = new OutageObservation();
        long end = System.nanoTime() + period.toNanos();
        while (System.nanoTime() < end) {
            BridgeStatus status = bridge.status().current();
            seen.states.add(status.state());
            if (status.lastError() != null) {
                seen.errors.add(status.lastError());
            }
            if (status.lagSeconds() != null) {
                seen.maxLag = Math.max(seen.maxLag, status.lagSeconds());
            }
            seen.lifecycle.add(bridge.state());
            BridgeState tableState = tableState(databases);
            if (tableState != null) {
                seen.tableStates.add(tableState);
            }
            Thread.sleep(250);
        }
        return seen;
    }

    /** States shown on the status page, /metrics and /api/status. */
    public Set<BridgeState> states() {
        return states;
    }

    /** States shown by `SELECT state FROM agent_state_bridge.status`. */
    public Set<BridgeState> tableStates() {
        return tableStates;
    }

    public Set<String> errors() {
        return errors;
    }

    /** The states the bridge itself was in when sampled, between the status reporter's ticks too. */
    public Set<BridgeState> lifecycle() {
        return lifecycle;
    }

    /** Whether the bridge never left its running states: it neither stopped nor failed nor stood by. */
    public boolean keptRunning() {
        return lifecycle.stream().allMatch(BridgeState::isRunning);
    }

    public double maxLagSeconds() {
        return maxLag;
    }

    @Override
    public String toString() {
        return "states " + states + ", status table " + tableStates + ", lifecycle " + lifecycle + ", max lag "
                + Math.round(maxLag) + " s, errors " + errors;
    }

    private static BridgeState tableState(BridgeDatabases databases) {
        try (Connection connection = DriverManager.getConnection(databases.target().jdbcUrl());
             PreparedStatement query = connection.prepareStatement(
                     "SELECT state FROM agent_state_bridge.status WHERE bridge_name = ?")) {
            query.setString(1, databases.name());
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? BridgeState.valueOf(rs.getString(1)) : null;
            }
        } catch (SQLException e) {
            return null;
        }
    }
}
