package io.agentstatebridge.bridge.config;

import org.postgresql.Driver;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A PostgreSQL JDBC URL and the password of its user: in the URL (password=...), given apart from
 * it ({@link #withPassword}), or, with neither, from the PostgreSQL password file, which the driver
 * reads when it parses a URL without one (PGPASSFILE, else ~/.pgpass). Never prints its password:
 * toString() and {@link #redacted()} show the URL with the password hidden.
 */
public final class DatabaseUrl {
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)[?&]password=");

    /** The URL as given, without a password given apart from it. */
    private final String url;
    /** A password given apart from the URL, or null. */
    private final Secret separatePassword;
    private final Properties parsed;

    private DatabaseUrl(String url, Secret separatePassword, Properties parsed) {
        this.url = url;
        this.separatePassword = separatePassword;
        this.parsed = parsed;
    }

    /** Parses {@code url}; {@code what} names it in the error ("--source-url"). */
    public static DatabaseUrl parse(String url, String what) {
        if (url == null || url.isBlank()) {
            throw new SettingsException(what + " is required: a JDBC URL such as "
                    + "jdbc:postgresql://db.example.com:5432/agents?user=agent_state_bridge");
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
        return new DatabaseUrl(url, null, parsed);
    }

    /**
     * This URL with {@code password} for its user, as if it had been written in it. A URL that
     * already has a password is refused: which one to use would be a guess.
     */
    public DatabaseUrl withPassword(Secret password) {
        if (hasPasswordParameter()) {
            throw new SettingsException("the URL " + redacted() + " already has a password; give it once");
        }
        Properties withPassword = Driver.parseURL(jdbcUrl(url, password), new Properties());
        return new DatabaseUrl(url, password, withPassword);
    }

    /** Whether the URL itself carries password=..., as opposed to a password given apart or from the password file. */
    public boolean hasPasswordParameter() {
        return PASSWORD_PARAMETER.matcher(url).find();
    }

    /** The URL with its password (however given) included: only for handing to the driver. */
    public String jdbcUrl() {
        return separatePassword == null ? url : jdbcUrl(url, separatePassword);
    }

    private static String jdbcUrl(String url, Secret password) {
        // The driver URL-decodes parameter values, so any character may be in a password.
        return url + (url.contains("?") ? "&" : "?") + "password=" + URLEncoder.encode(password.value(), StandardCharsets.UTF_8);
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

    /** The user's password: the URL's, the one given apart from it, the password file's, or empty. */
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
