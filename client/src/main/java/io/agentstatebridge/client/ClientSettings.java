package io.agentstatebridge.client;

import java.util.Objects;

/**
 * Where the client connects. Passwords are kept out of the URLs (and out of {@link #toString()}).
 *
 * @param sourceUrl      JDBC URL of the write side, e.g. jdbc:postgresql://db:5432/agents
 * @param targetUrl      JDBC URL of the read side the bridge maintains
 * @param maxPoolSize    connections per pool (HikariCP)
 * @param bridgeName     the bridge feeding the read side; null when only one does
 */
public record ClientSettings(String sourceUrl, String sourceUser, String sourcePassword,
                             String targetUrl, String targetUser, String targetPassword,
                             int maxPoolSize, String bridgeName) {
    public ClientSettings {
        Objects.requireNonNull(sourceUrl, "sourceUrl");
        Objects.requireNonNull(targetUrl, "targetUrl");
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("maxPoolSize must be at least 1, got " + maxPoolSize);
        }
    }

    /** Both databases with credentials taken from the URLs or the driver's defaults, pools of 10. */
    public static ClientSettings of(String sourceUrl, String targetUrl) {
        return new ClientSettings(sourceUrl, null, null, targetUrl, null, null, 10, null);
    }

    public ClientSettings withSourceCredentials(String user, String password) {
        return new ClientSettings(sourceUrl, user, password, targetUrl, targetUser, targetPassword, maxPoolSize, bridgeName);
    }

    public ClientSettings withTargetCredentials(String user, String password) {
        return new ClientSettings(sourceUrl, sourceUser, sourcePassword, targetUrl, user, password, maxPoolSize, bridgeName);
    }

    public ClientSettings withMaxPoolSize(int size) {
        return new ClientSettings(sourceUrl, sourceUser, sourcePassword, targetUrl, targetUser, targetPassword, size, bridgeName);
    }

    public ClientSettings withBridgeName(String name) {
        return new ClientSettings(sourceUrl, sourceUser, sourcePassword, targetUrl, targetUser, targetPassword, maxPoolSize, name);
    }

    @Override
    public String toString() {
        return "ClientSettings[source=" + sourceUrl + " as " + sourceUser + ", target=" + targetUrl + " as " + targetUser
                + ", maxPoolSize=" + maxPoolSize + ", bridgeName=" + bridgeName + "]";
    }
}
