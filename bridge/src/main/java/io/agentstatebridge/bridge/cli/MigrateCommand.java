package io.agentstatebridge.bridge.cli;

import io.agentstatebridge.bridge.source.DatabaseConnections;
import io.agentstatebridge.bridge.source.TargetSetup;
import io.agentstatebridge.projections.schema.SchemaMigrations;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Callable;

@Command(name = "migrate", description = "Create or upgrade the write-side schema on the source and the read-side schema "
        + "on the target. Safe to repeat.")
final class MigrateCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions databases;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws SQLException {
        var source = databases.source();
        var target = databases.target();
        try (Connection ignored = DatabaseConnections.open(source, "source")) {
            PGSimpleDataSource dataSource = new PGSimpleDataSource();
            dataSource.setUrl(source.jdbcUrl());
            int applied = SchemaMigrations.migrateWriteSide(dataSource).migrationsExecuted
                    + SchemaMigrations.migrateSourceBookkeeping(dataSource).migrationsExecuted;
            spec.commandLine().getOut().println("source " + source.describe() + ": " + applied + " migration(s) applied");
        }
        TargetSetup.migrate(target);
        spec.commandLine().getOut().println("target " + target.describe() + ": read-side schema is current");
        return 0;
    }
}
