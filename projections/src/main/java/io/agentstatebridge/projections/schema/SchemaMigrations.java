package io.agentstatebridge.projections.schema;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

import javax.sql.DataSource;

/**
 * Applies the versioned schemas of the sql module. Each schema has its own history table in the
 * {@code agent_state_bridge} schema, so the write side, the bridge's own source tables and the
 * read side evolve independently and every migration is idempotent.
 */
public final class SchemaMigrations {
    public static final String BRIDGE_SCHEMA = "agent_state_bridge";

    private SchemaMigrations() {
    }

    /** The agent event log itself: tables, index for recent events, validation trigger. */
    public static MigrateResult migrateWriteSide(DataSource source) {
        return migrate(source, "write-side", "schema_history_write_side");
    }

    /** What the bridge needs on any source, including one whose tables it did not create. */
    public static MigrateResult migrateSourceBookkeeping(DataSource source) {
        return migrate(source, "source-bookkeeping", "schema_history_source_bookkeeping");
    }

    /** Replicas, projections and bridge bookkeeping on the read side. */
    public static MigrateResult migrateReadSide(DataSource target) {
        return migrate(target, "read-side", "schema_history_read_side");
    }

    private static MigrateResult migrate(DataSource dataSource, String folder, String historyTable) {
        return Flyway.configure(SchemaMigrations.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:io/agentstatebridge/sql/" + folder)
                .schemas(BRIDGE_SCHEMA)
                .defaultSchema(BRIDGE_SCHEMA)
                .createSchemas(true)
                .table(historyTable)
                // The schemas share agent_state_bridge, each with its own history table: a schema
                // that already holds another's tables is not foreign, so start its history at 0.
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }
}
