package io.agentstatebridge.bridge.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of its own (wal_level=logical) that accepts TCP connections only over TLS,
 * with a self-signed certificate made for it, for tests of encrypted connections. Its pg_hba.conf
 * has only hostssl entries, so a connection without TLS finds no entry and is refused; the
 * superuser is trusted over TLS (the embedded server's start-up check connects as it), every
 * other role needs its password. The caller closes it.
 */
public final class TlsOnlyPostgres implements AutoCloseable {
    private final EmbeddedPostgres server;
    private final Path directory;
    private final SelfSignedCertificate certificate;

    private TlsOnlyPostgres(EmbeddedPostgres server, Path directory, SelfSignedCertificate certificate) {
        this.server = server;
        this.directory = directory;
        this.certificate = certificate;
    }

    public static TlsOnlyPostgres start() throws IOException, GeneralSecurityException {
        Path directory = Files.createTempDirectory("agent-state-bridge-tls");
        SelfSignedCertificate certificate = SelfSignedCertificate.create(directory, "server");
        Path hba = directory.resolve("pg_hba.conf");
        Files.writeString(hba, String.join("\n",
                "local all all trust",
                "hostssl all postgres 127.0.0.1/32 trust",
                "hostssl all postgres ::1/128 trust",
                "hostssl all all 127.0.0.1/32 scram-sha-256",
                "hostssl all all ::1/128 scram-sha-256", ""));
        EmbeddedPostgres server = EmbeddedPostgres.builder()
                .setServerConfig("ssl", "on")
                .setServerConfig("ssl_cert_file", certificate.certificate().toString())
                .setServerConfig("ssl_key_file", certificate.privateKey().toString())
                .setServerConfig("hba_file", hba.toString())
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "8")
                .setServerConfig("max_wal_senders", "8")
                .setServerConfig("fsync", "off")
                .start();
        return new TlsOnlyPostgres(server, directory, certificate);
    }

    /** The server's certificate, which clients trust as its own authority (sslrootcert). */
    public Path certificate() {
        return certificate.certificate();
    }

    /** The directory the certificate lives in, for more files a test needs. */
    public Path directory() {
        return directory;
    }

    public int port() {
        return server.getPort();
    }

    /** A URL for {@code user} to {@code database} on 127.0.0.1, with the given extra parameters (TLS ones). */
    public String url(String database, String user, String password, String parameters) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database + "?user=" + user + "&password=" + password
                + (parameters.isEmpty() ? "" : "&" + parameters);
    }

    /** TLS parameters that verify the server fully: trusted certificate and host name. */
    public String verifyFull() {
        return "sslmode=verify-full&sslrootcert=" + certificate();
    }

    /** A superuser connection over verified TLS. */
    public Connection openAsSuperuser(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port() + "/" + database + "?user=postgres&"
                + verifyFull());
    }

    public void executeAsSuperuser(String database, String... statements) {
        try (Connection connection = openAsSuperuser(database); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("setting up the TLS test server failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            server.close();
        } finally {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> {
                    try {
                        Files.deleteIfExists(path);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
    }
}
