package io.agentstatebridge.bridge.config;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The BRIDGE_* environment variables the bridge reads. Any other BRIDGE_* variable is a typo
 * that would silently be ignored, so it is rejected instead.
 */
public final class EnvironmentVariables {
    public static final Set<String> KNOWN = Set.of(
            "BRIDGE_SOURCE_URL", "BRIDGE_TARGET_URL", "BRIDGE_NAME", "BRIDGE_SLOT", "BRIDGE_PUBLICATION",
            "BRIDGE_MAX_BATCH_SIZE", "BRIDGE_HTTP_PORT", "BRIDGE_HTTP_BIND", "BRIDGE_READY_MAX_LAG_SECONDS",
            "BRIDGE_LAG_WARN_SECONDS", "BRIDGE_RETAINED_WAL_WARN_MB", "BRIDGE_LOG_LEVEL",
            "BRIDGE_WRITER_ROLE", "BRIDGE_BRIDGE_ROLE", "BRIDGE_READER_ROLE",
            "BRIDGE_WRITER_ROLE_PASSWORD", "BRIDGE_BRIDGE_ROLE_PASSWORD", "BRIDGE_READER_ROLE_PASSWORD");

    private EnvironmentVariables() {
    }

    public static void rejectUnknown(Map<String, String> environment) {
        Set<String> unknown = new TreeSet<>();
        for (String name : environment.keySet()) {
            if (name.startsWith("BRIDGE_") && !KNOWN.contains(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw new SettingsException("unknown environment variable(s) " + String.join(", ", unknown)
                    + "; the bridge reads " + String.join(", ", new TreeSet<>(KNOWN)));
        }
    }
}
