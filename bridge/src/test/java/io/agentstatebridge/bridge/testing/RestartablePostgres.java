package io.agentstatebridge.bridge.testing;

import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of its own (wal_level=logical) that a test can stop and start again, as an
 * operator restarts a database: same data directory, same port, so clients reconnect to the same
 * address and find their data and replication slots. The shared fixture's server cannot be
 * restarted without disturbing other tests, hence this one.
 */
public final class RestartablePostgres implements AutoCloseable {
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final Path dataDirectory;
    private final int port;
    private EmbeddedPostgres server;

    private RestartablePostgres(Path dataDirectory, int port) {
        this.dataDirectory = dataDirectory;
        this.port = port;
    }

    /** A new server on a free port, with a new data directory. */
    public static RestartablePostgres start() {
        try {
            RestartablePostgres postgres = new RestartablePostgres(Files.createTempDirectory("restartable-postgres"), freePort());
            postgres.startAgain();
            return postgres;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a restartable PostgreSQL", e);
        }
    }

    /** Starts the stopped server on the same data directory and port. */
    public void startAgain() {
        try {
            server = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "8")
                    .setServerConfig("max_wal_senders", "8")
                    .setServerConfig("fsync", "off") // a clean shutdown still writes everything
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start PostgreSQL on port " + port + " from " + dataDirectory, e);
        }
    }

    /**
     * Stops the server as `pg_ctl stop -m fast` does: sessions and replication connections are
     * terminated, committed data and slots stay. Returns once the port refuses connections.
     */
    public void stop() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop PostgreSQL on port " + port, e);
        }
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        while (accepting()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("PostgreSQL on port " + port + " still accepts connections "
                        + STOP_TIMEOUT.toSeconds() + " s after it was asked to stop");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Creates an empty database; its URL. */
    public DatabaseUrl createDatabase(String name) {
        try (Connection admin = DriverManager.getConnection(jdbcUrl("postgres"));
             Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return DatabaseUrl.parse(jdbcUrl(name), "source");
    }

    private String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port + "/" + database + "?user=postgres";
    }

    @Override
    public void close() {
        try {
            server.close();
            try (Stream<Path> files = Files.walk(dataDirectory)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }

    private boolean accepting() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
