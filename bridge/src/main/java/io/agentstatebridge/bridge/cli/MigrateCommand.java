package io.agentstatebridge.bridge.cli;

import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.agentstatebridge.bridge.config.RoleSettings;
import io.agentstatebridge.bridge.config.Setting;
import io.agentstatebridge.bridge.config.SettingValues;
import io.agentstatebridge.bridge.config.Settings;
import io.agentstatebridge.bridge.config.SettingsException;
import io.agentstatebridge.bridge.source.DatabaseConnections;
import io.agentstatebridge.bridge.source.Publication;
import io.agentstatebridge.bridge.source.RoleSetup;
import io.agentstatebridge.bridge.source.SetupException;
import io.agentstatebridge.bridge.source.TargetSetup;
import io.agentstatebridge.projections.schema.SchemaMigrations;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Stream;

/**
 * Migrates both schemas; with --create-roles also creates the publication and the least-privilege
 * roles. Role passwords come from files or variables, never from the command line, where other users
 * of the machine and the shell's history would see them. A role without a password is created without
 * one: the writer and reader as group roles (NOLOGIN) to grant to existing login roles, the bridge as a
 * login role to authenticate some other way (a certificate, or a password set later).
 */
@Command(name = "migrate", modelTransformer = SettingOptions.class,
        description = "Create or upgrade the write-side schema on the source and the read-side schema on the target; with "
                + "--create-roles, also least-privilege roles for agents, the bridge and readers. Safe to repeat.")
final class MigrateCommand extends ConfiguredCommand {
    /** What only --create-roles uses: given without it, each is an error rather than ignored. */
    static final List<Setting<?>> ROLE_SETTINGS = List.of(Settings.WRITER_ROLE, Settings.BRIDGE_ROLE, Settings.READER_ROLE,
            Settings.WRITER_ROLE_PASSWORD, Settings.BRIDGE_ROLE_PASSWORD, Settings.READER_ROLE_PASSWORD);

    @Override
    public List<Setting<?>> settings() {
        return Settings.concat(Settings.concat(Settings.DATABASES, List.of(Settings.CREATE_ROLES, Settings.PUBLICATION)),
                ROLE_SETTINGS);
    }

    @Override
    protected void check(SettingValues values, List<String> problems) {
        if (Boolean.TRUE.equals(values.get(Settings.CREATE_ROLES))) {
            // A name that failed is reported already; valid names may still repeat one.
            if (Stream.of(Settings.WRITER_ROLE, Settings.BRIDGE_ROLE, Settings.READER_ROLE).allMatch(s -> values.get(s) != null)) {
                try {
                    RoleSettings.of(values);
                } catch (SettingsException e) {
                    problems.add(e.getMessage());
                }
            }
            return;
        }
        // Variables may be meant for `run` as well (the publication), so only options count here.
        List<String> roleOptions = ROLE_SETTINGS.stream()
                .filter(s -> values.origin(s) == SettingValues.Origin.COMMAND_LINE).map(Setting::option).toList();
        if (!roleOptions.isEmpty()) {
            problems.add(String.join(", ", roleOptions) + (roleOptions.size() == 1 ? " only applies" : " only apply")
                    + " with --create-roles");
        }
        if (values.origin(Settings.PUBLICATION) == SettingValues.Origin.COMMAND_LINE) {
            problems.add("--publication only applies with --create-roles (`run` creates its own otherwise)");
        }
    }

    @Override
    protected int run(SettingValues values) throws SQLException {
        DatabaseUrl source = values.get(Settings.SOURCE_URL);
        DatabaseUrl target = values.get(Settings.TARGET_URL);
        RoleSettings roles = values.get(Settings.CREATE_ROLES) ? RoleSettings.of(values) : null;
        String publication = values.get(Settings.PUBLICATION);
        PrintWriter out = spec().commandLine().getOut();
        try (Connection sourceConnection = DatabaseConnections.open(source, "source")) {
            PGSimpleDataSource dataSource = new PGSimpleDataSource();
            dataSource.setUrl(source.jdbcUrl());
            int applied = SchemaMigrations.migrateWriteSide(dataSource).migrationsExecuted
                    + SchemaMigrations.migrateSourceBookkeeping(dataSource).migrationsExecuted;
            out.println("source " + source.describe() + ": " + applied + " migration(s) applied");
            if (roles != null) {
                boolean created = Publication.ensure(sourceConnection, publication);
                out.println("source " + source.describe() + ": publication " + publication + (created ? " created" : " in place")
                        + " for " + Publication.tableList());
                createRoles(source, "source", () -> RoleSetup.onSource(sourceConnection, roles), out);
            }
        }
        TargetSetup.migrate(target);
        out.println("target " + target.describe() + ": read-side schema is current");
        if (roles != null) {
            try (Connection targetConnection = DatabaseConnections.open(target, "target")) {
                createRoles(target, "target", () -> RoleSetup.onTarget(targetConnection, roles), out);
            }
        }
        return 0;
    }

    private interface RoleStep {
        List<String> run() throws SQLException;
    }

    private static void createRoles(DatabaseUrl database, String side, RoleStep step, PrintWriter out) {
        try {
            for (String note : step.run()) {
                out.println(side + " " + database.describe() + ": " + note);
            }
        } catch (SQLException e) {
            throw new SetupException("creating roles on the " + side + " database at " + database.describe() + " failed: "
                    + e.getMessage() + ("42501".equals(e.getSQLState())
                    ? " Run migrate --create-roles as a superuser." : ""), e);
        }
    }
}
