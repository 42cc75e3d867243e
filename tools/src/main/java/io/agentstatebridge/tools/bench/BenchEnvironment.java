package io.agentstatebridge.tools.bench;

import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.agentstatebridge.projections.schema.SchemaMigrations;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where one layout's measurements run. Embedded: new databases per measurement on the servers the
 * layout puts them on, dropped afterwards. Given URLs: the two databases given, wiped before each
 * measurement (they must be scratch databases). Either way each measurement starts from a migrated,
 * empty write side and an empty read side, and no replication slot of the bench outlives it. Used
 * from one thread.
 */
final class BenchEnvironment {
    private final Layout layout;
    private final BenchServers servers;
    private final DatabaseUrl givenSource;
    private final DatabaseUrl givenTarget;
    private final List<DatabaseUrl> created = new ArrayList<>();
    private int databases;

    private BenchEnvironment(Layout layout, BenchServers servers, DatabaseUrl givenSource, DatabaseUrl givenTarget) {
        this.layout = layout;
        this.servers = servers;
        this.givenSource = givenSource;
        this.givenTarget = givenTarget;
    }

    static BenchEnvironment embedded(Layout layout, BenchServers servers) {
        return new BenchEnvironment(layout, servers, null, null);
    }

    static BenchEnvironment given(DatabaseUrl source, DatabaseUrl target, PrintWriter out) {
        out.printf("using the given databases (wiped before each measurement): %s and %s%n", source.redacted(), target.redacted());
        return new BenchEnvironment(Layout.GIVEN, null, source, target);
    }

    Layout layout() {
        return layout;
    }

    /** Whether a measurement may ask for a second read side ({@link #extraTarget}). */
    boolean embedded() {
        return servers != null;
    }

    /** A migrated, empty write side and an empty read side. */
    BenchDatabases fresh(String purpose) throws SQLException {
        BenchDatabases fresh;
        if (servers != null) {
            String name = name(purpose);
            fresh = new BenchDatabases(layout, create(BenchServers.Role.SOURCE, name + "_source"),
                    create(targetServer(), name + "_target"), BenchDatabases.BRIDGE);
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

    /** Another empty read side where this layout puts read sides; embedded servers only. */
    DatabaseUrl extraTarget(String purpose) throws SQLException {
        if (servers == null) {
            throw new IllegalStateException("a second read side needs the embedded servers");
        }
        return create(targetServer(), name(purpose) + "_target");
    }

    private BenchServers.Role targetServer() {
        return layout == Layout.TWO_SERVERS ? BenchServers.Role.TARGET : BenchServers.Role.SOURCE;
    }

    private String name(String purpose) {
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

    /** The process ids of the servers this layout uses (one or two postmasters); empty for given databases. */
    Set<Long> serverPids() throws SQLException {
        Set<Long> pids = new LinkedHashSet<>();
        if (servers != null) {
            pids.add(servers.postmasterPid(BenchServers.Role.SOURCE));
            pids.add(servers.postmasterPid(targetServer()));
        }
        return pids;
    }

    /** The postmaster of the source server, or -1 for given databases. */
    long sourceServerPid() throws SQLException {
        return servers == null ? -1 : servers.postmasterPid(BenchServers.Role.SOURCE);
    }

    /** The postmaster of the server holding the read side, or -1 for given databases. */
    long targetServerPid() throws SQLException {
        return servers == null ? -1 : servers.postmasterPid(targetServer());
    }
}
