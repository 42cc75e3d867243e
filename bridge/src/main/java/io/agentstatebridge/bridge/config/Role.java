package io.agentstatebridge.bridge.config;

/**
 * A database role to create, and its password if it is to log in with one. Any name PostgreSQL
 * accepts is allowed ({@link SettingType#ROLE_NAME}): names are always quoted as identifiers, never
 * spliced into SQL.
 *
 * @param password null when no password is to be set
 */
public record Role(String name, Secret password) {
    public Role {
        SettingType.ROLE_NAME.require(name == null ? "" : name, "role name");
        if (password != null) {
            SettingType.SECRET.require(password, "the password for role '" + name + "'");
        }
    }

    public boolean hasPassword() {
        return password != null;
    }
}
