package io.agentstatebridge.bridge.config;

import org.postgresql.Driver;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A PostgreSQL JDBC URL, credentials possibly included. Never prints its password: toString()
 * and {@link #redacted()} show the URL with the password hidden.
 */
public final class DatabaseUrl {
    private final String url;
    private final Properties parsed;

    private DatabaseUrl(String url, Properties parsed) {
        this.url = url;
        this.parsed = parsed;
    }

    /** Parses {@code url}; {@code what} names it in the error ("--source-url"). */
    public static DatabaseUrl parse(String url, String what) {
        if (url == null || url.isBlank()) {
            throw new SettingsException(what + " is required: a JDBC URL such as "
                    + "jdbc:postgresql://db.example.com:5432/agents?user=bridge&password=...");
        }
        if (url.matches("(?i)^jdbc:postgresql://[^/?]*@.*")) {
            // The driver does not understand user:password@host and would log the URL, password included.
            throw new SettingsException(what + " has credentials before the host; the PostgreSQL driver expects them as "
                    + "parameters: jdbc:postgresql://host:port/database?user=...&password=... (got " + redact(url) + ")");
        }
        Properties parsed = Driver.parseURL(url, new Properties());
        if (parsed == null) {
            throw new SettingsException(what + " is not a PostgreSQL JDBC URL (expected jdbc:postgresql://host:port/database?user=...): "
                    + redact(url));
        }
        return new DatabaseUrl(url, parsed);
    }

    /** The URL as given, password included: only for handing to the driver. */
    public String jdbcUrl() {
        return url;
    }

    public String host() {
        String hosts = parsed.getProperty("PGHOST", "localhost");
        return hosts.split(",")[0];
    }

    public int port() {
        return Integer.parseInt(parsed.getProperty("PGPORT", "5432").split(",")[0]);
    }

    public String database() {
        return parsed.getProperty("PGDBNAME");
    }

    public String user() {
        return parsed.getProperty("user", System.getProperty("user.name"));
    }

    public Secret password() {
        return new Secret(parsed.getProperty("password", ""));
    }

    /**
     * Every TLS parameter of the URL (sslmode, sslrootcert, sslcert, sslkey, sslpassword,
     * sslfactory, ...) by its driver name, for connections not opened from this URL: the
     * connector's replication and snapshot connections must be exactly as secure as ours.
     */
    public Map<String, String> sslParameters() {
        Map<String, String> ssl = new TreeMap<>();
        for (String name : parsed.stringPropertyNames()) {
            if (name.toLowerCase(Locale.ROOT).startsWith("ssl")) {
                ssl.put(name, parsed.getProperty(name));
            }
        }
        return ssl;
    }

    /** host:port/database, for messages. */
    public String describe() {
        return host() + ":" + port() + "/" + database();
    }

    public String redacted() {
        return redact(url);
    }

    private static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1[hidden]").replaceAll("(//[^/@?]*?:)[^@/?]*@", "$1[hidden]@");
    }

    @Override
    public String toString() {
        return redacted();
    }
}
