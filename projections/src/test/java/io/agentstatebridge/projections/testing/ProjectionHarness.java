package io.agentstatebridge.projections.testing;

import io.agentstatebridge.projections.apply.ApplyResult;
import io.agentstatebridge.projections.apply.ProjectionApplier;
import io.agentstatebridge.projections.apply.ReadSideLoad;
import io.agentstatebridge.projections.apply.ReadSideTransaction;
import io.agentstatebridge.projections.change.ChangeBatch;
import io.agentstatebridge.projections.change.RowChange;
import io.agentstatebridge.projections.change.SourcePosition;
import io.agentstatebridge.projections.change.SourceTable;
import io.agentstatebridge.projections.schema.SchemaMigrations;
import io.agentstatebridge.projections.verify.ReadSideComparison;
import io.agentstatebridge.projections.verify.RelationDifference;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyInputStream;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A write-side database recorded by {@link RecordingSource} and a read-side database maintained
 * by a {@link ProjectionApplier}: the projections module exercised without any connector.
 */
public final class ProjectionHarness implements AutoCloseable {
    private final PGSimpleDataSource sourceDataSource = new PGSimpleDataSource();
    private final PGSimpleDataSource targetDataSource = new PGSimpleDataSource();
    private final Connection sourceConnection;
    private final RecordingSource source;
    private final ProjectionApplier applier;
    private long batches;

    public ProjectionHarness(String purpose) throws SQLException {
        PostgresFixture postgres = PostgresFixture.get();
        sourceDataSource.setUrl(postgres.createDatabase(purpose + "_source").jdbcUrl());
        targetDataSource.setUrl(postgres.createDatabase(purpose + "_target").jdbcUrl());
        SchemaMigrations.migrateWriteSide(sourceDataSource);
        SchemaMigrations.migrateReadSide(targetDataSource);
        sourceConnection = sourceDataSource.getConnection();
        source = new RecordingSource(sourceConnection);
        applier = ProjectionApplier.takeOver(targetDataSource, "test");
    }

    /** The applier of the read side, for tests of its transactions. */
    public ProjectionApplier applier() {
        return applier;
    }

    public RecordingSource source() {
        return source;
    }

    public Connection sourceConnection() {
        return sourceConnection;
    }

    public PGSimpleDataSource target() {
        return targetDataSource;
    }

    /** Applies everything recorded since the last call as one batch. */
    public ApplyResult applyRecorded() throws SQLException {
        return apply(source.drain());
    }

    /**
     * As {@link #applyRecorded()}; {@code newKeysAreNew} as the bridge's first attempt at a batch
     * opens its transaction (see {@link ProjectionApplier#begin(boolean)}).
     */
    public ApplyResult applyRecorded(boolean newKeysAreNew) throws SQLException {
        batches++;
        try (ReadSideTransaction transaction = applier.begin(newKeysAreNew)) {
            transaction.apply(source.drain());
            return transaction.commit(new SourcePosition("{\"batch\":" + batches + "}", batches, null));
        }
    }

    public ApplyResult apply(List<RowChange> changes) throws SQLException {
        batches++;
        return applier.apply(new ChangeBatch(changes, new SourcePosition("{\"batch\":" + batches + "}", batches, null)));
    }

    /**
     * Replaces the read side with a copy of the source's tables as they are now, the way the
     * bridge's snapshot does (binary COPY out of the source, {@link ReadSideLoad} in), at {@code reached}.
     */
    public void loadFromSource(SourcePosition reached) throws SQLException {
        try (ReadSideLoad load = applier.beginLoad(List.of())) {
            long rows = 0;
            for (SourceTable table : List.of(SourceTable.AGENT_SESSIONS, SourceTable.AGENT_EVENTS)) {
                String columns = table.columns().stream().map(c -> c.name() + "::" + c.sqlType())
                        .collect(Collectors.joining(", "));
                try (InputStream copy = new PGCopyInputStream(sourceConnection.unwrap(PGConnection.class),
                        "COPY (SELECT " + columns + " FROM " + table.qualifiedName() + ") TO STDOUT (FORMAT binary)")) {
                    rows += load.copy(table, copy);
                } catch (IOException e) {
                    throw new SQLException(e);
                }
            }
            load.complete(reached, rows);
        }
    }

    /** Fails, naming missing, extra and different keys, unless the read side equals the definitions. */
    public void assertReadSideMatchesDefinitions(String context) throws SQLException {
        try (Connection s = sourceDataSource.getConnection(); Connection t = targetDataSource.getConnection()) {
            List<RelationDifference> differences = new ReadSideComparison(10).compare(s, t);
            List<RelationDifference> unequal = differences.stream().filter(d -> !d.isEqual()).toList();
            if (!unequal.isEmpty()) {
                throw new AssertionError(context + ": read side differs from the definitions\n"
                        + unequal.stream().map(RelationDifference::describe).collect(Collectors.joining("\n")));
            }
        }
    }

    @Override
    public void close() throws SQLException {
        sourceConnection.close();
    }
}
