package io.agentstatebridge.bridge.lifecycle;

import java.util.Arrays;
import java.util.Optional;

/**
 * The states of one bridge instance, named as operators see them: the {@code state} column of the
 * status and instances tables, the {@code state} label of {@code agent_state_bridge_state}, the
 * health probes, /api/status, the status page and `status` all show these names, and the alert
 * rules match on them. Which moves between them are allowed is {@link Lifecycle}'s table.
 */
public enum BridgeState {
    /** Created, not started. Never reported: reporting begins with the start. */
    NEW,
    /** Checking the databases, taking over, starting the connector; until the snapshot or the first batch. */
    STARTING,
    /** Another instance with the same name holds the leader lock; this one takes over when it goes. */
    STANDBY,
    /** Loading the read side from a snapshot of the source, with per-table progress. */
    SNAPSHOTTING,
    /** Applying the source's changes as they come. */
    STREAMING,
    /** The read side is unreachable: the batch in hand is being retried. */
    PAUSED,
    /** Nothing has come from the source for a while, or the connector is being started again after a connection failure. */
    RECONNECTING,
    /** Finishing or rolling back the batch in flight, then releasing connections. */
    STOPPING,
    STOPPED,
    /** Ended on an error; the bridge's failure says which. */
    FAILED;

    /** Whether operators can see this state: every one but {@link #NEW}. */
    public boolean isReported() {
        return this != NEW;
    }

    /**
     * Started and neither standing by nor stopping: preparing to stream, snapshotting or streaming.
     * A batch the read side refuses is retried only in these states.
     */
    public boolean isRunning() {
        return switch (this) {
            case STARTING, SNAPSHOTTING, STREAMING, PAUSED, RECONNECTING -> true;
            case NEW, STANDBY, STOPPING, STOPPED, FAILED -> false;
        };
    }

    /** Whether the instance has ended: nothing follows STOPPED or FAILED. */
    public boolean isFinal() {
        return this == STOPPED || this == FAILED;
    }

    /**
     * The state a status or instances row names; empty for a name this version does not know
     * (a row written by another version of the bridge, say).
     */
    public static Optional<BridgeState> named(String name) {
        return Arrays.stream(values()).filter(state -> state.name().equals(name)).findFirst();
    }
}
