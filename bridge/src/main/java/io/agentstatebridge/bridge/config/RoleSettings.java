package io.agentstatebridge.bridge.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The least-privilege roles `migrate --create-roles` creates.
 *
 * @param writer  on the source: what agents write the event log as
 * @param bridge  on the source and the target: what the bridge connects as
 * @param reader  on the target: what readers of the projections connect as
 */
public record RoleSettings(Role writer, Role bridge, Role reader) {
    public static final String DEFAULT_WRITER = Settings.WRITER_ROLE.defaultValue();
    public static final String DEFAULT_BRIDGE = Settings.BRIDGE_ROLE.defaultValue();
    public static final String DEFAULT_READER = Settings.READER_ROLE.defaultValue();

    public RoleSettings {
        Set<String> names = new HashSet<>();
        for (Role role : List.of(writer, bridge, reader)) {
            if (!names.add(role.name())) {
                // One role with two jobs would hold the union of their privileges.
                throw new SettingsException("the writer, bridge and reader roles must be three different roles; '"
                        + role.name() + "' is named twice");
            }
        }
    }

    /** The roles the operator named (or the defaults), with the passwords given for them. */
    public static RoleSettings of(SettingValues values) {
        return new RoleSettings(new Role(values.get(Settings.WRITER_ROLE), values.get(Settings.WRITER_ROLE_PASSWORD)),
                new Role(values.get(Settings.BRIDGE_ROLE), values.get(Settings.BRIDGE_ROLE_PASSWORD)),
                new Role(values.get(Settings.READER_ROLE), values.get(Settings.READER_ROLE_PASSWORD)));
    }
}
