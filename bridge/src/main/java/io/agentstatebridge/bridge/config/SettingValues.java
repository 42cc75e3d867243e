package io.agentstatebridge.bridge.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings a command runs with, resolved and validated once at start-up by
 * {@link SettingsResolver}: each value, and where it came from. Immutable.
 */
public final class SettingValues {
    /** Where a value came from. */
    public enum Origin { COMMAND_LINE, ENVIRONMENT, DEFAULT, NONE }

    private final Map<Setting<?>, Object> values;
    private final Map<Setting<?>, Origin> origins;
    private final List<String> warnings;

    SettingValues(Map<Setting<?>, Object> values, Map<Setting<?>, Origin> origins, List<String> warnings) {
        this.values = new HashMap<>(values);
        this.origins = Map.copyOf(origins);
        this.warnings = List.copyOf(warnings);
    }

    /** The value, or null when the setting has none (no default, not given). */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        if (!origins.containsKey(setting)) {
            throw new IllegalArgumentException(setting + " is not a setting of this command");
        }
        return (T) values.get(setting);
    }

    public Origin origin(Setting<?> setting) {
        return origins.getOrDefault(setting, Origin.NONE);
    }

    /** Whether the operator gave it, on the command line or in the environment. */
    public boolean given(Setting<?> setting) {
        Origin origin = origin(setting);
        return origin == Origin.COMMAND_LINE || origin == Origin.ENVIRONMENT;
    }

    /** Things that work but should be changed (a password in a command-line argument). */
    public List<String> warnings() {
        return warnings;
    }
}
