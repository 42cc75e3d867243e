package io.agentstatebridge.bridge.config;

import java.util.List;
import java.util.stream.Stream;

/**
 * Every setting of the bridge, each declared once. The commands take their options from here
 * (`--help` shows these descriptions, defaults and variables), {@link EnvironmentVariables} knows
 * the variables from here, {@link BridgeSettings} and {@link RoleSettings} take their defaults and
 * validation from here, and a test holds the README's table to these declarations.
 *
 * <p>Environment variables carry the prefix {@value #ENV_PREFIX}, which no other software uses: any
 * variable under it that is not declared here is a typo and stops the bridge at start-up.
 */
public final class Settings {
    /** The prefix of every environment variable the bridge reads. */
    public static final String ENV_PREFIX = "AGENT_STATE_BRIDGE_";

    public static final Setting<DatabaseUrl> SOURCE_URL = Setting.of("--source-url", "SOURCE_URL", SettingType.DATABASE_URL,
            null, "URL", "JDBC URL of the write side, where agents insert events. Give its password by "
                    + "--source-password-file or in the PostgreSQL password file rather than in the URL.").asRequired();
    public static final Setting<Secret> SOURCE_PASSWORD = Setting.password("--source-password-file", "SOURCE_PASSWORD",
            "Password of the source URL's user: a file whose first line is the password, or the password itself in the "
                    + "variable. Without one, and without password= in the URL, the driver looks it up in the PostgreSQL "
                    + "password file (PGPASSFILE, else ~/.pgpass).");
    public static final Setting<DatabaseUrl> TARGET_URL = Setting.of("--target-url", "TARGET_URL", SettingType.DATABASE_URL,
            null, "URL", "JDBC URL of the read side: projections, replicas, the bridge's position and status.").asRequired();
    public static final Setting<Secret> TARGET_PASSWORD = Setting.password("--target-password-file", "TARGET_PASSWORD",
            "Password of the target URL's user, given as the source's is.");

    public static final Setting<String> NAME = Setting.of("--name", "NAME", SettingType.IDENTIFIER_TYPE,
            "agent_state_bridge", "NAME", "Bridge name: keys its stored position and status on the read side; instances "
                    + "that take over from one another share it.");
    public static final Setting<String> SLOT = Setting.of("--slot", "SLOT", SettingType.IDENTIFIER_TYPE,
            "agent_state_bridge", "NAME", "Replication slot on the source, created if missing.");
    public static final Setting<String> PUBLICATION = Setting.of("--publication", "PUBLICATION", SettingType.IDENTIFIER_TYPE,
            "agent_state_bridge", "NAME", "Publication on the source, created if missing, limited to the bridge's tables.");
    public static final Setting<Integer> MAX_BATCH_SIZE = Setting.of("--max-batch-size", "MAX_BATCH_SIZE",
            SettingType.integer(1, 100_000), "20000", "CHANGES", "Most changes applied per read-side transaction while catching up "
                    + "(fewer once they hold 12 MB); a larger source transaction is applied whole, written in parts of this size.");

    public static final Setting<Integer> HTTP_PORT = Setting.of("--http-port", "HTTP_PORT", SettingType.integer(0, 65_535),
            "9187", "PORT", "Port of the status page, /metrics and /health; 0 turns HTTP off.");
    public static final Setting<String> HTTP_BIND = Setting.of("--http-bind", "HTTP_BIND", SettingType.HOST, "127.0.0.1",
            "ADDRESS", "Address the HTTP server listens on (0.0.0.0 for all).");
    public static final Setting<Double> READY_MAX_LAG_SECONDS = Setting.of("--ready-max-lag-seconds", "READY_MAX_LAG_SECONDS",
            SettingType.positiveNumber(), "10", "SECONDS", "/health/ready fails while lag exceeds this.");
    public static final Setting<Double> LAG_WARN_SECONDS = Setting.of("--lag-warn-seconds", "LAG_WARN_SECONDS",
            SettingType.positiveNumber(), "30", "SECONDS", "Log a warning while lag exceeds this.");
    /** Capped so that the figure in bytes fits a long with room to spare. */
    public static final Setting<Long> RETAINED_WAL_WARN_MB = Setting.of("--retained-wal-warn-mb", "RETAINED_WAL_WARN_MB",
            SettingType.longInteger(1, 1L << 30), "1024", "MB", "Log a warning while the slot retains more WAL than this.");

    public static final Setting<String> LOG_LEVEL = Setting.of(null, "LOG_LEVEL", SettingType.LOG_LEVEL, "INFO", null,
            "Level of the bridge's own log lines on stderr (the connector's stay at WARN).");

    public static final Setting<Integer> VERIFY_TIMEOUT = Setting.of("--timeout", null, SettingType.integer(1, 86_400), "120",
            "SECONDS", "Seconds `verify` waits for the read side to catch up.");
    public static final Setting<Double> STATUS_MAX_LAG_SECONDS = Setting.of("--max-lag-seconds", null,
            SettingType.positiveNumber(), "10", "SECONDS", "`status` calls the bridge healthy only while lag is at most this.");

    public static final Setting<Boolean> CREATE_ROLES = Setting.flag("--create-roles", "Also create least-privilege roles: a "
            + "writer for agents and the bridge's role on the source, the bridge's role and a read-only reader on the target; "
            + "and create the publication, so the bridge's role needs no CREATE. Run as a superuser. Safe to repeat.");
    public static final Setting<String> WRITER_ROLE = Setting.of("--writer-role", "WRITER_ROLE", SettingType.ROLE_NAME,
            "agent_writer", "NAME", "With --create-roles: the role agents write as (SELECT, INSERT on agent_events and "
                    + "agent_sessions, UPDATE of a session's user_id and metadata; nothing else).");
    public static final Setting<String> BRIDGE_ROLE = Setting.of("--bridge-role", "BRIDGE_ROLE", SettingType.ROLE_NAME,
            "agent_state_bridge", "NAME", "With --create-roles: the role the bridge connects as, on both databases.");
    public static final Setting<String> READER_ROLE = Setting.of("--reader-role", "READER_ROLE", SettingType.ROLE_NAME,
            "agent_reader", "NAME", "With --create-roles: the read-only role for readers of the read side.");
    public static final Setting<Secret> WRITER_ROLE_PASSWORD = Setting.password("--writer-role-password-file",
            "WRITER_ROLE_PASSWORD", "With --create-roles: the writer role's password; without one the role is NOLOGIN, "
                    + "to be granted to your agents' login roles.");
    public static final Setting<Secret> BRIDGE_ROLE_PASSWORD = Setting.password("--bridge-role-password-file",
            "BRIDGE_ROLE_PASSWORD", "With --create-roles: the bridge role's password.");
    public static final Setting<Secret> READER_ROLE_PASSWORD = Setting.password("--reader-role-password-file",
            "READER_ROLE_PASSWORD", "With --create-roles: the reader role's password; without one the role is NOLOGIN, "
                    + "to be granted to your readers' login roles.");

    /** The two databases and their passwords: every command that connects to both takes these. */
    public static final List<Setting<?>> DATABASES = List.of(SOURCE_URL, SOURCE_PASSWORD, TARGET_URL, TARGET_PASSWORD);
    /** What `run` takes, and `resnapshot`, which rebuilds what `run` streams into. */
    public static final List<Setting<?>> RUN = concat(DATABASES, List.of(NAME, SLOT, PUBLICATION, MAX_BATCH_SIZE, HTTP_PORT,
            HTTP_BIND, READY_MAX_LAG_SECONDS, LAG_WARN_SECONDS, RETAINED_WAL_WARN_MB));
    /** Read by every command: the logging configuration (logback.xml) reads the level itself. */
    public static final List<Setting<?>> EVERY_COMMAND = List.of(LOG_LEVEL);

    /** Every setting, in the order the README's table lists them. */
    public static final List<Setting<?>> ALL = concat(RUN, List.of(LOG_LEVEL, VERIFY_TIMEOUT, STATUS_MAX_LAG_SECONDS,
            CREATE_ROLES, WRITER_ROLE, BRIDGE_ROLE, READER_ROLE, WRITER_ROLE_PASSWORD, BRIDGE_ROLE_PASSWORD,
            READER_ROLE_PASSWORD));

    /**
     * Variables under the prefix that the launcher script (bin/agent-state-bridge) reads, not the
     * bridge: the JVM's options and where the jar is. Known, so that setting them is no typo.
     */
    public static final List<String> LAUNCHER_VARIABLES = List.of(ENV_PREFIX + "JAVA_OPTIONS", ENV_PREFIX + "JAR");

    private Settings() {
    }

    /** The password setting that goes with a database URL setting. */
    public static Setting<Secret> passwordOf(Setting<DatabaseUrl> url) {
        if (url == SOURCE_URL) {
            return SOURCE_PASSWORD;
        }
        if (url == TARGET_URL) {
            return TARGET_PASSWORD;
        }
        throw new IllegalArgumentException(url + " is not a database URL setting");
    }

    public static List<Setting<?>> concat(List<Setting<?>> first, List<Setting<?>> second) {
        return Stream.concat(first.stream(), second.stream()).toList();
    }
}
