package io.agentstatebridge.bridge.source;

import io.agentstatebridge.bridge.config.DatabaseUrl;

import javax.net.ssl.SSLException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Opens connections for set-up work, turning connection failures into instructions. */
public final class DatabaseConnections {
    private DatabaseConnections() {
    }

    /** Connects to {@code url}; {@code role} ("source", "target") names the database in errors. */
    public static Connection open(DatabaseUrl url, String role) {
        Properties properties = new Properties();
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("ApplicationName", "agent-state-bridge");
        try {
            return DriverManager.getConnection(url.jdbcUrl(), properties);
        } catch (SQLException e) {
            throw new SetupException(explain(e, url, role), e);
        }
    }

    /**
     * A replication connection to {@code url} (logical, on its database), for the commands of the
     * replication protocol such as creating a slot with an exported snapshot.
     */
    public static Connection openReplication(DatabaseUrl url) {
        Properties properties = new Properties();
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("ApplicationName", "agent-state-bridge");
        properties.setProperty("replication", "database");
        properties.setProperty("assumeMinServerVersion", "10");
        properties.setProperty("preferQueryMode", "simple");
        try {
            return DriverManager.getConnection(url.jdbcUrl(), properties);
        } catch (SQLException e) {
            throw new SetupException(explain(e, url, "source"), e);
        }
    }

    static String explain(SQLException e, DatabaseUrl url, String role) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String where = "the " + role + " database at " + url.describe();
        if (state.equals("28000") && String.valueOf(e.getMessage()).contains("no encryption")) {
            return where + " refuses unencrypted connections from here: " + e.getMessage() + ". Connect with TLS: add "
                    + "sslmode=verify-full&sslrootcert=/path/to/server-ca.pem to the " + role + " URL (sslmode=require "
                    + "encrypts without checking whom you talk to).";
        }
        if (isTls(e)) {
            return "the TLS connection to " + where + " failed: " + e.getMessage() + ". Check the ssl parameters of the "
                    + role + " URL: sslrootcert must be the certificate (PEM) of the authority that signed the server's "
                    + "certificate, and with sslmode=verify-full that certificate must also name the host of the URL ("
                    + url.host() + ").";
        }
        if (state.equals("28P01") || state.equals("28000")) {
            return "cannot log in to " + where + " as user '" + url.user() + "': " + e.getMessage()
                    + ". Check the user in the " + role + " URL and the password given for it (the " + role + " password "
                    + "setting, password= in the URL, or the PostgreSQL password file).";
        }
        if (state.equals("3D000")) {
            return where + " does not exist: " + e.getMessage() + ". Create it or fix the database name in the URL.";
        }
        if (state.startsWith("08")) {
            return "cannot reach " + where + ": " + e.getMessage()
                    + ". Check the host and port, that PostgreSQL is running, and that it accepts TCP connections "
                    + "(listen_addresses, pg_hba.conf, firewalls).";
        }
        return "cannot connect to " + where + ": " + e.getMessage() + " (SQLSTATE " + state + ")";
    }

    /** A failed handshake or certificate check, as opposed to an unreachable server. */
    private static boolean isTls(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return true;
            }
        }
        String message = String.valueOf(e.getMessage());
        return message.contains("SSL") || message.contains("hostnameverifier");
    }
}
