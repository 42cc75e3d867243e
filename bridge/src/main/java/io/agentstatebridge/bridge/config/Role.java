package io.agentstatebridge.bridge.config;

import java.nio.charset.StandardCharsets;

/**
 * A database role to create, and its password if it is to log in with one. Any name PostgreSQL
 * accepts is allowed: names are always quoted as identifiers, never spliced into SQL.
 *
 * @param password null when no password is to be set
 */
public record Role(String name, Secret password) {
    /** PostgreSQL truncates longer identifiers, which would grant to a role of another name. */
    private static final int MAX_NAME_BYTES = 63;

    public Role {
        if (name == null || name.isEmpty()) {
            throw new SettingsException("a role name must not be empty");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new SettingsException("role name '" + name + "' is longer than PostgreSQL's 63 bytes");
        }
        if (password != null && password.value().isEmpty()) {
            throw new SettingsException("the password for role '" + name + "' is empty");
        }
    }

    public boolean hasPassword() {
        return password != null;
    }
}
