package io.agentstatebridge.bridge.cli;

import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.agentstatebridge.bridge.config.RoleSettings;
import io.agentstatebridge.bridge.config.SettingsException;
import io.agentstatebridge.bridge.source.DatabaseConnections;
import io.agentstatebridge.bridge.source.Publication;
import io.agentstatebridge.bridge.source.RoleSetup;
import io.agentstatebridge.bridge.source.SetupException;
import io.agentstatebridge.bridge.source.TargetSetup;
import io.agentstatebridge.projections.schema.SchemaMigrations;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "migrate", description = "Create or upgrade the write-side schema on the source and the read-side schema "
        + "on the target; with --create-roles, also least-privilege roles for agents, the bridge and readers. Safe to repeat.")
final class MigrateCommand implements Callable<Integer> {
    private static final String DEFAULT_PUBLICATION = "agent_state_bridge";

    @Mixin
    DatabaseOptions databases;

    @Mixin
    RoleOptions roleOptions;

    @Option(names = "--publication", paramLabel = "NAME",
            description = "With --create-roles: the publication to create on the source, as `run --publication`. "
                    + "Env: BRIDGE_PUBLICATION. Default: " + DEFAULT_PUBLICATION + ".")
    String publication;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws SQLException {
        var source = databases.source();
        var target = databases.target();
        RoleSettings roles = roleOptions.settings(System.getenv());
        if (roles == null && publication != null) {
            throw new SettingsException("--publication only applies with --create-roles (`run` creates its own otherwise)");
        }
        String publicationName = publication != null ? publication
                : System.getenv().getOrDefault("BRIDGE_PUBLICATION", DEFAULT_PUBLICATION);
        if (roles != null) {
            BridgeSettings.requireIdentifier(publicationName, "--publication");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Connection sourceConnection = DatabaseConnections.open(source, "source")) {
            PGSimpleDataSource dataSource = new PGSimpleDataSource();
            dataSource.setUrl(source.jdbcUrl());
            int applied = SchemaMigrations.migrateWriteSide(dataSource).migrationsExecuted
                    + SchemaMigrations.migrateSourceBookkeeping(dataSource).migrationsExecuted;
            out.println("source " + source.describe() + ": " + applied + " migration(s) applied");
            if (roles != null) {
                boolean created = Publication.ensure(sourceConnection, publicationName);
                out.println("source " + source.describe() + ": publication " + publicationName + (created ? " created" : " in place")
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
