package io.agentstatebridge.bridge.status;

import java.util.Locale;

/**
 * What one instance of a bridge does among those started with the same name: the active one holds
 * the leader lock on the read side and streams; standbys wait to take over. (Not a database role:
 * those are {@code config.Role}.)
 */
public enum InstanceRole {
    ACTIVE, STANDBY;

    /** The name the instances table, /metrics and the API use: "active", "standby". */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
