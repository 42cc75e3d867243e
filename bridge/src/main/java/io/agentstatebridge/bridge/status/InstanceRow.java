package io.agentstatebridge.bridge.status;

import io.agentstatebridge.bridge.lifecycle.BridgeState;

import java.time.Instant;

/**
 * One row of {@code agent_state_bridge.instance_status}: an instance as the read side last heard
 * of it, with how long it has been silent.
 *
 * @param role  "active" or "standby", as the instance last reported it
 * @param state the {@link BridgeState} it last reported, by name: the row may come from another version
 * @param stale silent for more than 15 s: killed, cut off, or stopped
 */
public record InstanceRow(String instanceId, String role, String state, String host, long pid, Instant startedAt,
                          Instant updatedAt, double silentSeconds, boolean stale) {

    /** Reporting, and not in a final state. */
    public boolean live() {
        return !stale && !BridgeState.named(state).map(BridgeState::isFinal).orElse(false);
    }
}
