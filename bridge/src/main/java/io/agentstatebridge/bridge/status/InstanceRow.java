package io.agentstatebridge.bridge.status;

import java.time.Instant;

/**
 * One row of {@code agent_state_bridge.instance_status}: an instance as the read side last heard
 * of it, with how long it has been silent.
 *
 * @param role  "active" or "standby", as the instance last reported it
 * @param stale silent for more than 15 s: killed, cut off, or stopped
 */
public record InstanceRow(String instanceId, String role, String state, String host, long pid, Instant startedAt,
                          Instant updatedAt, double silentSeconds, boolean stale) {
}
