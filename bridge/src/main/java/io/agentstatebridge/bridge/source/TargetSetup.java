package io.agentstatebridge.bridge.source;

import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.agentstatebridge.projections.schema.SchemaMigrations;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.SQLException;

/**
 * Brings the read-side database to the current schema version, idempotently. When it is current
 * this only reads the migration history, so a role without CREATE (the bridge's role from
 * `migrate --create-roles`) passes.
 */
public final class TargetSetup {
    private TargetSetup() {
    }

    public static void migrate(DatabaseUrl target) {
        try {
            // Connect first, so that an unreachable database or a bad password is reported as such.
            DatabaseConnections.open(target, "target").close();
            PGSimpleDataSource dataSource = new PGSimpleDataSource();
            dataSource.setUrl(target.jdbcUrl());
            SchemaMigrations.migrateReadSide(dataSource);
        } catch (SQLException e) {
            throw new SetupException("cannot use the target database at " + target.describe() + ": " + e.getMessage(), e);
        } catch (SetupException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new SetupException("cannot create the read-side schema in the target database at " + target.describe()
                    + ": " + e.getMessage() + ". Run `agent-state-bridge migrate` as the owner of the read side (a role created "
                    + "by migrate --create-roles changes no schema), or connect as a role with CREATE on that database.", e);
        }
    }
}
