package io.agentstatebridge.bridge.testing;

import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of its own with the settings a test asks for (TimeZone, locale, ...), so
 * that source and target can differ the way two real servers do: in time zone, locale and major
 * version. Built either from the embedded PostgreSQL 17 binaries every machine gets from Maven
 * Central, or from a directory of server binaries such as Debian's {@code /usr/lib/postgresql/15/bin}.
 *
 * <p>PostgreSQL refuses to run as root. Debian's binaries are therefore run as the unprivileged
 * {@code postgres} user (the Debian packages create it) through {@code runuser} when the tests run
 * as root; the data directory is handed to that user. The embedded binaries run as root as they
 * are. Listens on loopback on a free port; the superuser {@code postgres} connects without a password.
 * A server from binaries can be given a hot standby ({@link #streamingStandby}), set up with
 * {@code pg_basebackup -R} from the same binaries.
 */
public final class DedicatedPostgres implements AutoCloseable {
    /** Where Debian puts PostgreSQL 15's server binaries; {@code .ci/run} installs them when missing. */
    public static final Path DEBIAN_POSTGRES_15 = Path.of("/usr/lib/postgresql/15/bin");
    private static final String UNPRIVILEGED_USER = "postgres";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final int port;
    private final AutoCloseable stopper;
    private final Path directory;
    private final Path binDirectory;
    private final Map<String, String> settings;

    private DedicatedPostgres(int port, AutoCloseable stopper, Path directory, Path binDirectory, Map<String, String> settings) {
        this.port = port;
        this.stopper = stopper;
        this.directory = directory;
        this.binDirectory = binDirectory;
        this.settings = Map.copyOf(settings);
    }

    /** Settings every dedicated server gets, then the caller's: logical decoding on, room for slots. */
    public static Map<String, String> settings(String timeZone, Map<String, String> more) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("wal_level", "logical");
        settings.put("max_replication_slots", "16");
        settings.put("max_wal_senders", "16");
        settings.put("max_connections", "100");
        settings.put("fsync", "off");
        settings.put("TimeZone", timeZone);
        settings.putAll(more);
        return settings;
    }

    /** The embedded PostgreSQL 17, initialised with {@code locale}, running with {@code settings}. */
    public static DedicatedPostgres embedded(String locale, Map<String, String> settings) {
        try {
            int port = freePort();
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setPGStartupWait(START_TIMEOUT)
                    .setLocaleConfig("locale", locale)
                    .setLocaleConfig("encoding", "UTF8");
            // The embedded server forces timezone=UTC unless told otherwise, under that exact name.
            settings.forEach((name, value) -> builder.setServerConfig(name.equalsIgnoreCase("TimeZone") ? "timezone" : name, value));
            EmbeddedPostgres postgres = builder.start();
            return new DedicatedPostgres(port, postgres, null, null, settings);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
        }
    }

    /**
     * A server from the binaries in {@code binDirectory} (initdb, pg_ctl, postgres), initialised with
     * {@code locale}, running with {@code settings}. Fails, saying what to install, when they are missing.
     */
    public static DedicatedPostgres fromBinaries(Path binDirectory, String locale, Map<String, String> settings) {
        if (!Files.isExecutable(binDirectory.resolve("initdb")) || !Files.isExecutable(binDirectory.resolve("pg_ctl"))) {
            throw new IllegalStateException("no PostgreSQL server binaries in " + binDirectory + ": install them "
                    + "(on Debian: apt-get install postgresql-15; .ci/run does so)");
        }
        try {
            Path directory = directoryForTheServer();
            Path data = directory.resolve("data");
            run(List.of(binDirectory.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "-A", "trust",
                    "-E", "UTF8", "--locale=" + locale), runningAsRoot());
            return start(binDirectory, directory, settings);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start PostgreSQL from " + binDirectory, e);
        }
    }

    /**
     * A hot standby of this server, as an operator sets one up: {@code pg_basebackup -R} of the whole
     * cluster into a new data directory, through a physical replication slot named {@code name}, then
     * started on a free port with this server's settings and {@code more} (hot_standby_feedback, say).
     * {@code name} is also its cluster_name, which its WAL receiver gives this server as
     * application_name: the name pg_stat_replication lists it under. Only for servers from binaries
     * of their own: the embedded PostgreSQL comes without pg_basebackup.
     */
    public DedicatedPostgres streamingStandby(String name, Map<String, String> more) {
        if (binDirectory == null || !Files.isExecutable(binDirectory.resolve("pg_basebackup"))) {
            throw new IllegalStateException("a standby needs pg_basebackup of the primary's major version, and the embedded "
                    + "PostgreSQL has none: start the primary with fromBinaries (on Debian: apt-get install postgresql-15)");
        }
        try {
            Path directory = directoryForTheServer();
            Path data = directory.resolve("data");
            run(List.of(binDirectory.resolve("pg_basebackup").toString(), "-h", "localhost", "-p", Integer.toString(port),
                    "-U", "postgres", "-D", data.toString(), "-R", "-X", "stream", "-c", "fast", "-C", "-S", name),
                    runningAsRoot());
            Map<String, String> standbySettings = new LinkedHashMap<>(settings);
            standbySettings.put("hot_standby", "on");
            standbySettings.put("cluster_name", name);
            standbySettings.putAll(more);
            return start(binDirectory, directory, standbySettings);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up a standby of the server on port " + port, e);
        }
    }

    /** Whether this server is a standby replaying another's WAL. */
    public boolean inRecovery() {
        return Boolean.parseBoolean(query("SELECT pg_is_in_recovery()::text"));
    }

    private static DedicatedPostgres start(Path binDirectory, Path directory, Map<String, String> settings) throws IOException {
        boolean root = runningAsRoot();
        Path data = directory.resolve("data");
        int port = freePort();
        StringBuilder options = new StringBuilder("-p " + port + " -k " + directory + " -c listen_addresses=localhost");
        settings.forEach((name, value) -> options.append(" -c ").append(name).append('=').append(value));
        run(List.of(binDirectory.resolve("pg_ctl").toString(), "-D", data.toString(), "-o", options.toString(),
                "-l", directory.resolve("server.log").toString(), "-w", "-t", Long.toString(START_TIMEOUT.toSeconds()),
                "start"), root);
        AutoCloseable stopper = () -> run(List.of(binDirectory.resolve("pg_ctl").toString(), "-D", data.toString(),
                "-m", "immediate", "-w", "stop"), root);
        return new DedicatedPostgres(port, stopper, directory, binDirectory, settings);
    }

    /** A new directory for a server's data and socket, handed to the user the server runs as. */
    private static Path directoryForTheServer() throws IOException {
        Path directory = Files.createTempDirectory("dedicated-postgres");
        if (runningAsRoot()) {
            run(List.of("chown", UNPRIVILEGED_USER, directory.toString()), false);
        }
        return directory;
    }

    private static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Creates an empty database; its URL, as the superuser. */
    public DatabaseUrl createDatabase(String name) {
        execute("postgres", "CREATE DATABASE " + name);
        return DatabaseUrl.parse(jdbcUrl(name), name);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port + "/" + database + "?user=postgres";
    }

    /** SHOW server_version, e.g. "15.18 (Debian ...)". */
    public String version() {
        return show("server_version");
    }

    /**
     * The server's configured value of {@code setting}. Note that the JDBC driver sends the JVM's
     * time zone when it connects, so JDBC sessions (the bridge's too) run in that zone, not in the
     * server's TimeZone; the latter is what psql and other libpq clients get.
     */
    public String configured(String setting) {
        return settings.get(setting);
    }

    public String show(String setting) {
        return query("SHOW " + setting);
    }

    /** The locale of character classes (what \\s and upper() go by) of the databases it creates. */
    public String ctype() {
        return query("SELECT datctype FROM pg_database WHERE datname = 'template1'");
    }

    private String query(String sql) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"));
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run " + sql + " on port " + port, e);
        }
    }

    public void execute(String database, String... statements) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl(database));
             Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("on port " + port + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            stopper.close();
        } catch (Exception e) {
            // the server was gone already
        }
        if (directory != null) {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                // a temporary directory left behind
            }
        }
    }

    private static void run(List<String> command, boolean asUnprivilegedUser) throws IOException {
        List<String> full = new ArrayList<>();
        if (asUnprivilegedUser) {
            full.addAll(List.of("runuser", "-u", UNPRIVILEGED_USER, "--"));
        }
        full.addAll(command);
        Path output = Files.createTempFile("dedicated-postgres", ".out");
        try {
            Process process = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!process.waitFor(START_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", full) + " did not finish: " + Files.readString(output));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", full) + " failed with exit code " + process.exitValue()
                        + ": " + Files.readString(output));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + full, e);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
