package io.agentstatebridge.bridge.testing;

import io.agentstatebridge.bridge.config.DatabaseUrl;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Source and read side on two servers of their own that differ as a user's do: the source in
 * America/New_York, the read side in Asia/Kolkata, both in the C.UTF-8 locale (whose character
 * classes know Unicode, unlike C), and usually of two major versions: Debian's PostgreSQL 15 and
 * the embedded PostgreSQL 17, in either role.
 */
public final class TwoServers implements AutoCloseable {
    public static final String SOURCE_TIME_ZONE = "America/New_York";
    public static final String TARGET_TIME_ZONE = "Asia/Kolkata";
    private static final String LOCALE = "C.UTF-8";
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final DedicatedPostgres source;
    private final DedicatedPostgres target;

    private TwoServers(DedicatedPostgres source, DedicatedPostgres target) {
        this.source = source;
        this.target = target;
    }

    /** Source on PostgreSQL 15, read side on 17; or the other way round with {@code sourceOn17}. */
    public static TwoServers start(boolean sourceOn17) {
        return sourceOn17 ? start(17, 15) : start(15, 17);
    }

    /** Source and read side on the given major versions, 15 (Debian's binaries) or 17 (embedded). */
    public static TwoServers start(int sourceMajor, int targetMajor) {
        DedicatedPostgres source = server(sourceMajor, SOURCE_TIME_ZONE);
        try {
            return new TwoServers(source, server(targetMajor, TARGET_TIME_ZONE));
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    private static DedicatedPostgres server(int major, String timeZone) {
        Map<String, String> settings = DedicatedPostgres.settings(timeZone, Map.of());
        return switch (major) {
            case 15 -> DedicatedPostgres.fromBinaries(DedicatedPostgres.DEBIAN_POSTGRES_15, LOCALE, settings);
            case 17 -> DedicatedPostgres.embedded(LOCALE, settings);
            default -> throw new IllegalArgumentException("PostgreSQL " + major + ": only 15 and 17 are at hand");
        };
    }

    public DedicatedPostgres source() {
        return source;
    }

    public DedicatedPostgres target() {
        return target;
    }

    /** A migrated write side on the source server and an empty read side on the target server. */
    public BridgeDatabases databases(String purpose) {
        int n = DATABASES.incrementAndGet();
        DatabaseUrl sourceDatabase = source.createDatabase(purpose + "_source_" + n);
        DatabaseUrl targetDatabase = target.createDatabase(purpose + "_target_" + n);
        return new BridgeDatabases(purpose, sourceDatabase, targetDatabase);
    }

    /** "source PostgreSQL 15.18 in America/New_York, read side PostgreSQL 17.6 in Asia/Kolkata" */
    public String describe() {
        return "source PostgreSQL " + source.version() + " in " + source.configured("TimeZone") + " (" + source.ctype()
                + "), read side PostgreSQL " + target.version() + " in " + target.configured("TimeZone") + " (" + target.ctype() + ")";
    }

    @Override
    public void close() {
        source.close();
        target.close();
    }
}
