package io.agentstatebridge.kafkasink.testing;

import io.agentstatebridge.projections.schema.SchemaMigrations;
import io.agentstatebridge.projections.testing.PostgresFixture;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * A write side on the shared test server, set up as docs/kafka-connect.md tells: the write-side
 * schema, and REPLICA IDENTITY FULL so that UPDATEs and DELETEs carry the agent they belong to.
 */
public record SourceDatabase(String name, String jdbcUrl) {

    public static SourceDatabase create(String purpose) {
        PostgresFixture.TestDatabase database = PostgresFixture.get().createDatabase(purpose);
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(database.jdbcUrl());
        SchemaMigrations.migrateWriteSide(dataSource);
        PostgresFixture.get().executeAsSuperuser(database.name(),
                "ALTER TABLE public.agent_events REPLICA IDENTITY FULL",
                "ALTER TABLE public.agent_sessions REPLICA IDENTITY FULL");
        return new SourceDatabase(database.name(), database.jdbcUrl());
    }

    public Connection open() throws SQLException {
        return DriverManager.getConnection(jdbcUrl);
    }
}
