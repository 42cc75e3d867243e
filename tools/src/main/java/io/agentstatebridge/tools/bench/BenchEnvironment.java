package io.agentstatebridge.tools.bench;

import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.agentstatebridge.projections.schema.SchemaMigrations;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the measurements run. Embedded: new databases per measurement on the servers a layout puts
 * them on (the write side always on the source server; the read side on the target server, or
 * beside the write side in the one-server layout), dropped afterwards. Given URLs: the two databases
 * given, wiped before each measurement (they must be scratch databases). Either way each
 * measurement starts from a migrated, empty write side and an empty read side, and no replication
 * slot of the bench outlives it. Used from one thread.
 */
final class BenchEnvironment {
    private final BenchServers servers;
    private final DatabaseUrl givenSource;
    private final DatabaseUrl givenTarget;
    private final List<DatabaseUrl> created = new ArrayList<>();
    private int databases;

    private BenchEnvironment(BenchServers servers, DatabaseUrl givenSource, DatabaseUrl givenTarget) {
        this.servers = servers;
        this.givenSource = givenSource;
        this.givenTarget = givenTarget;
    }

    static BenchEnvironment embedded(BenchServers servers) {
        return new BenchEnvironment(servers, null, null);
    }

    static BenchEnvironment given(DatabaseUrl source, DatabaseUrl target, PrintWriter out) {
        out.printf("using the given databases (wiped before each measurement): %s and %s%n", source.redacted(), target.redacted());
        return new BenchEnvironment(null, source, target);
    }

    /** Whether a measurement may ask for a second read side ({@link #extraTarget}). */
    boolean embedded() {
        return servers != null;
    }

    /** A migrated, empty write side and an empty read side, where {@code layout} puts them. */
    BenchDatabases fresh(Layout layout, String purpose) throws SQLException {
        BenchDatabases fresh;
        if (servers != null) {
            String name = name(layout, purpose);
            fresh = new BenchDatabases(layout, create(BenchServers.Role.SOURCE, name + "_source"),
                    create(targetServer(layout), name + "_target"), BenchDatabases.BRIDGE);
        } else {
            fresh = new BenchDatabases(layout, givenSource, givenTarget, BenchDatabases.BRIDGE);
            BenchCleanup.dropSlots(givenSource);
            BenchCleanup.wipeSource(givenSource);
            BenchCleanup.wipeTarget(givenTarget);
        }
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(fresh.source().jdbcUrl());
        SchemaMigrations.migrateWriteSide(dataSource);
        return fresh;
    }

    /** Another empty read side where {@code layout} puts read sides; embedded servers only. */
    DatabaseUrl extraTarget(Layout layout, String purpose) throws SQLException {
        if (servers == null) {
            throw new IllegalStateException("a second read side needs the embedded servers");
        }
        return create(targetServer(layout), name(layout, purpose) + "_target");
    }

    private static BenchServers.Role targetServer(Layout layout) {
        return layout == Layout.TWO_SERVERS ? BenchServers.Role.TARGET : BenchServers.Role.SOURCE;
    }

    private String name(Layout layout, String purpose) {
        return "bench_" + layout.option().replace('-', '_') + "_" + purpose.replaceAll("[^a-z0-9]+", "_") + "_" + (++databases);
    }

    private DatabaseUrl create(BenchServers.Role role, String name) throws SQLException {
        DatabaseUrl url = servers.createDatabase(role, name);
        created.add(url);
        return url;
    }

    /** Drops the bench's slots (they would hold WAL forever) and, when embedded, every database created so far. */
    void release(BenchDatabases used) throws SQLException {
        BenchCleanup.dropSlots(used.source());
        if (servers != null) {
            for (DatabaseUrl database : created) {
                servers.dropDatabase(database);
            }
            created.clear();
        }
    }

    /** Before a timed window: no dirty pages of earlier work left for a checkpoint to write during it. */
    void checkpoint() throws SQLException {
        if (servers != null) {
            servers.checkpoint();
        }
    }

    /** The postmaster of the source server, or -1 for given databases. */
    long sourceServerPid() throws SQLException {
        return servers == null ? -1 : servers.postmasterPid(BenchServers.Role.SOURCE);
    }

    /** The postmaster of the server holding {@code layout}'s read side, or -1 for given databases. */
    long targetServerPid(Layout layout) throws SQLException {
        return servers == null ? -1 : servers.postmasterPid(targetServer(layout));
    }
}
