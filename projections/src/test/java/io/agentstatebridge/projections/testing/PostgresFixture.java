package io.agentstatebridge.projections.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one way tests reach PostgreSQL: a real server with wal_level=logical, started once per JVM.
 * Testcontainers when a Docker engine is reachable, otherwise the PostgreSQL server binaries
 * published on Maven Central. Each test asks for fresh databases, so tests never share state.
 */
public final class PostgresFixture {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static PostgresFixture instance;

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final AutoCloseable server;

    private PostgresFixture(String host, int port, String user, String password, AutoCloseable server) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.server = server;
    }

    public static synchronized PostgresFixture get() {
        if (instance == null) {
            instance = dockerIsReachable() ? startContainer() : startEmbedded();
            Runtime.getRuntime().addShutdownHook(new Thread(instance::close, "postgres-fixture-stop"));
        }
        return instance;
    }

    /** A new, empty database on the shared server. */
    public TestDatabase createDatabase(String purpose) {
        String name = purpose.toLowerCase().replaceAll("[^a-z0-9]+", "_") + "_" + DATABASES.incrementAndGet()
                + "_" + ProcessHandle.current().pid();
        try (Connection admin = DriverManager.getConnection(jdbcUrl("postgres"));
             Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return new TestDatabase(name, jdbcUrl(name));
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database + "?user=" + user
                + (password.isEmpty() ? "" : "&password=" + password);
    }

    /** A URL for another role, password in the URL. */
    public String jdbcUrl(String database, String user, String password) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database + "?user=" + user + "&password=" + password;
    }

    /** Runs statements as the superuser in {@code database}. */
    public void executeAsSuperuser(String database, String... statements) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl(database));
             Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("setting up the test database failed: " + e.getMessage(), e);
        }
    }

    /**
     * A separate server with wal_level=replica, the PostgreSQL default, for tests of what happens
     * when logical decoding is not enabled. The caller closes it.
     */
    @SuppressWarnings("resource")
    public static PostgresFixture startWithoutLogicalDecoding() {
        if (dockerIsReachable()) {
            PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:17");
            container.start();
            return new PostgresFixture(container.getHost(), container.getMappedPort(5432),
                    container.getUsername(), container.getPassword(), container::stop);
        }
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder().setServerConfig("wal_level", "replica").start();
            return new PostgresFixture("localhost", postgres.getPort(), "postgres", "", postgres);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
        }
    }

    /** Stops a server started by {@link #startWithoutLogicalDecoding()}. */
    public void stop() {
        close();
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    private static boolean dockerIsReachable() {
        boolean configured = System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"));
        return configured && DockerClientFactory.instance().isDockerAvailable();
    }

    @SuppressWarnings("resource")
    private static PostgresFixture startContainer() {
        PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:17")
                .withCommand("postgres", "-c", "wal_level=logical", "-c", "max_replication_slots=64",
                        "-c", "max_wal_senders=64", "-c", "max_connections=300", "-c", "fsync=off");
        container.start();
        return new PostgresFixture(container.getHost(), container.getMappedPort(5432),
                container.getUsername(), container.getPassword(), container::stop);
    }

    private static PostgresFixture startEmbedded() {
        try {
            // The superuser connects without a password, like the embedded default; every other
            // role must present one, so tests can exercise credential errors.
            Path hba = Files.createTempFile("agent-state-bridge-hba", ".conf");
            Files.writeString(hba, String.join("\n",
                    "local all all trust",
                    "host all postgres 127.0.0.1/32 trust",
                    "host all postgres ::1/128 trust",
                    "host all all 127.0.0.1/32 scram-sha-256",
                    "host all all ::1/128 scram-sha-256",
                    "host replication postgres 127.0.0.1/32 trust",
                    "host replication postgres ::1/128 trust",
                    "host replication all 127.0.0.1/32 scram-sha-256",
                    "host replication all ::1/128 scram-sha-256", ""));
            hba.toFile().deleteOnExit();
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setServerConfig("hba_file", hba.toString())
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "64")
                    .setServerConfig("max_wal_senders", "64")
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                    .start();
            return new PostgresFixture("localhost", postgres.getPort(), "postgres", "", postgres);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
        }
    }

    private void close() {
        try {
            server.close();
        } catch (Exception e) {
            // The JVM is exiting; the server's files live in a temporary directory.
        }
    }

    /** A database created for one test. */
    public record TestDatabase(String name, String jdbcUrl) {
    }
}
