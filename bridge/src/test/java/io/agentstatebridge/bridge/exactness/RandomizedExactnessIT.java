package io.agentstatebridge.bridge.exactness;

import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.bridge.engine.Bridge;
import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.bridge.testing.BridgeConnectionKiller;
import io.agentstatebridge.bridge.testing.BridgeDatabases;
import io.agentstatebridge.bridge.testing.HostileValues;
import io.agentstatebridge.bridge.testing.HostileWriter;
import io.agentstatebridge.bridge.testing.TwoServers;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exactness promise against everything issue 10's users hit, through real PostgreSQL and the
 * real connector: several writers commit {@link HostileValues} (all of Unicode, COPY and JSON syntax,
 * out-of-line values, key changes of both tables with and without a large value beside them, edge
 * timestamps, logical decoding messages, truncates) in transactions of 1 to 30,000 changes that
 * interleave in the WAL, while the bridge's source sessions are terminated at random moments, in
 * the snapshot and in the stream, and the bridge is stopped and started again every few kills. Source and read
 * side are two servers in different time zones and of different major versions. At the end every
 * read-side table must equal its definition on the source.
 *
 * <p>Prints its seed; replay with {@code -Dbridge.seed=SEED} (the values replay exactly, the
 * interleaving of the writers and the moments of the kills only roughly). Runs about
 * {@code -Dbridge.exactness.seconds=45} seconds of streaming load.
 */
class RandomizedExactnessIT {
    private static final int WRITERS = 3;
    private static final int MAX_BULKS = 3;
    private static final int KILLS_PER_CONNECTOR = 4;
    private static final List<String> ZONES = List.of("America/New_York", "Asia/Kolkata", "Pacific/Chatham", "America/St_Johns");

    @Test
    void hostileValuesChangesAndRestartsLeaveTheReadSideEqualToTheDefinitions() throws Exception {
        long seed = Long.getLong("bridge.seed", System.nanoTime());
        int seconds = Integer.getInteger("bridge.exactness.seconds", 45);
        System.out.println("RandomizedExactnessIT: seed " + seed + " (replay with -Dbridge.seed=" + seed + ")");
        Random random = new Random(seed);
        Run run = new Run();
        // The JDBC driver gives every session the JVM's time zone (the servers' own TimeZone settings
        // reach only libpq clients), so the bridge's sessions run in a zone drawn here, off UTC.
        TimeZone jvmZone = TimeZone.getDefault();
        TimeZone sessions = TimeZone.getTimeZone(ZONES.get(random.nextInt(ZONES.size())));
        TimeZone.setDefault(sessions);
        try (TwoServers servers = TwoServers.start(random.nextInt(4) == 0)) {
            System.out.println("RandomizedExactnessIT: " + servers.describe() + "; JDBC sessions in " + sessions.getID());
            BridgeDatabases databases = servers.databases("hostile");
            run.execute(databases, random, seed, seconds);
        } finally {
            TimeZone.setDefault(jvmZone);
        }
        System.out.println("RandomizedExactnessIT: " + run.summary());
        assertThat(run.failures)
                .as("issue 10: the read side must equal the definitions on the source (seed " + seed
                        + ", replay with -Dbridge.seed=" + seed + "); " + run.summary())
                .isEmpty();
    }

    /** One run's moving parts and what they saw. */
    private static final class Run {
        final List<String> failures = new ArrayList<>();
        final Map<String, AtomicLong> rejections = HostileWriter.newRejectionCounts();
        final AtomicBoolean writing = new AtomicBoolean(true);
        final AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        final AtomicLong commits = new AtomicLong();
        final AtomicLong changes = new AtomicLong();
        final AtomicInteger bulks = new AtomicInteger();
        int snapshotKills;
        int streamKills;
        int bridgeRestarts;
        long started = System.nanoTime();

        void execute(BridgeDatabases databases, Random random, long seed, int seconds) throws Exception {
            List<String> agents = new ArrayList<>();
            HostileValues names = new HostileValues(new Random(seed));
            for (int i = 0; i < 10; i++) {
                agents.add(names.id("agent", i));
            }
            List<String> sessions = Collections.synchronizedList(new ArrayList<>());
            prepopulate(databases, agents, sessions, seed);

            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(new Thread(() -> write(databases, writer, agents, sessions, seed), "hostile-writer-" + w));
            }
            BridgeSettings settings = databases.settings(List.of(16, 256, 2048).get(random.nextInt(3)));
            Bridge bridge = new Bridge(settings);
            try (BridgeConnectionKiller killer = new BridgeConnectionKiller(databases.source(), settings.slot())) {
                bridge.start();
                writers.forEach(Thread::start);
                snapshotKills = killDuringSnapshot(databases, bridge, killer, random);
                killer.start(new Random(random.nextLong()), Duration.ofMillis(200), Duration.ofMillis(2_000));
                long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
                int restartAt = KILLS_PER_CONNECTOR;
                while (System.nanoTime() < end && bridge.state() != BridgeState.FAILED && writerFailure.get() == null) {
                    Thread.sleep(250);
                    if (killer.kills() >= restartAt) {
                        // The connector's reconnect backoff only grows; a new one starts from its shortest wait.
                        bridge.close();
                        bridge = new Bridge(settings);
                        bridge.start();
                        bridgeRestarts++;
                        restartAt = killer.kills() + KILLS_PER_CONNECTOR;
                    }
                }
                killer.stop();
                streamKills = killer.kills();
                writing.set(false);
                for (Thread writer : writers) {
                    writer.join();
                }
                if (writerFailure.get() != null) {
                    throw new AssertionError("a source writer failed (a test problem, not the bridge's)", writerFailure.get());
                }
                check(databases, bridge);
            } finally {
                writing.set(false);
                bridge.close();
            }
        }

        /** A source with history before the bridge starts: its snapshot has work to do and rows to lose. */
        private void prepopulate(BridgeDatabases databases, List<String> agents, List<String> sessions, long seed) throws SQLException {
            try (Connection connection = databases.openSource()) {
                HostileWriter writer = new HostileWriter(connection, new HostileValues(new Random(seed - 1)), WRITERS, agents,
                        sessions, rejections);
                for (int i = 0; i < 60; i++) {
                    writer.transaction(1 + i % 40);
                }
                writer.bulkTransaction(30_000);
                bulks.incrementAndGet();
                changes.addAndGet(writer.changes());
            }
        }

        private void write(BridgeDatabases databases, int index, List<String> agents, List<String> sessions, long seed) {
            Random random = new Random(seed + 1 + index);
            try (Connection connection = databases.openSource()) {
                HostileWriter writer = new HostileWriter(connection, new HostileValues(random), index, agents, sessions, rejections);
                while (writing.get()) {
                    int dice = random.nextInt(1000);
                    if (dice < 3 && bulks.incrementAndGet() <= MAX_BULKS) {
                        writer.bulkTransaction(20_001 + random.nextInt(10_000));
                    } else {
                        writer.transaction(dice < 450 ? 1 : dice < 800 ? 2 + random.nextInt(9) : dice < 970 ? 10 + random.nextInt(90)
                                : 500 + random.nextInt(2_500));
                    }
                    commits.incrementAndGet();
                    Thread.sleep(random.nextInt(20));
                }
                changes.addAndGet(writer.changes());
            } catch (Throwable e) {
                writerFailure.compareAndSet(null, e);
            }
        }

        /**
         * Ends every bridge session on the source a few times while the snapshot runs, and each time
         * deletes a sample of the rows that existed before: the snapshot taken again must not find
         * them, and the read side must lose the copies the interrupted one delivered.
         */
        private static int killDuringSnapshot(BridgeDatabases databases, Bridge bridge, BridgeConnectionKiller killer,
                                              Random random) throws Exception {
            int kills = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            for (int i = 0; i < 3 && bridge.state() != BridgeState.FAILED && System.nanoTime() < deadline; i++) {
                Thread.sleep(200 + random.nextInt(1_500));
                if (bridge.stats().snapshotComplete()) {
                    break;
                }
                if (!killer.slotCreated()) {
                    // A loss while the connector creates its slot stops the bridge for good (not retried):
                    // a finding of its own, kept out of this test so that it reaches the snapshot.
                    i--;
                    continue;
                }
                if (killer.killAll() > 0) {
                    kills++;
                }
                try (Connection source = databases.openSource(); Statement statement = source.createStatement()) {
                    statement.execute("SET lock_timeout = '2s'");
                    statement.executeUpdate("DELETE FROM agent_events WHERE event_id IN "
                            + "(SELECT event_id FROM agent_events TABLESAMPLE BERNOULLI (3))");
                    statement.executeUpdate("DELETE FROM agent_sessions WHERE session_id IN "
                            + "(SELECT session_id FROM agent_sessions TABLESAMPLE BERNOULLI (3))");
                } catch (SQLException e) {
                    if (!"40P01".equals(e.getSQLState()) && !"55P03".equals(e.getSQLState())) {
                        throw e; // a deadlock or lock wait with a writer only means fewer deletes
                    }
                }
            }
            return kills;
        }

        private void check(BridgeDatabases databases, Bridge bridge) throws Exception {
            if (bridge.state() == BridgeState.FAILED) {
                failures.add("the bridge stopped: " + describe(bridge.failure()));
                return;
            }
            List<String> uncastable = removeTokenCountsTheDefinitionCannotCast(databases);
            if (!uncastable.isEmpty()) {
                failures.add("issue 10 item 6: the source accepted " + uncastable.size() + " token_count values its own "
                        + "definition of session_summary cannot cast to INT (removed before comparing), e.g. " + uncastable.subList(0, Math.min(5, uncastable.size())));
            }
            try {
                String differences = databases.verifyDifferences(Duration.ofSeconds(180));
                if (differences != null) {
                    failures.add("the read side differs from the definitions:\n" + differences);
                }
            } catch (RuntimeException e) {
                failures.add("verification could not complete (" + e.getMessage() + "); bridge " + bridge.state()
                        + ", last error: " + bridge.stats().lastError()
                        + (bridge.failure() == null ? "" : ", failure: " + describe(bridge.failure())));
            }
            if (!bridge.state().isRunning()) {
                failures.add("the bridge is " + bridge.state() + " after verification: " + describe(bridge.failure()));
            }
        }

        /**
         * Events whose token_count the definition's ::INT cannot cast: the source accepted them (its
         * validation judges \s by the locale), so the definitions cannot be evaluated on it at all.
         * They are deleted on the source, through the stream, so that the rest can still be compared.
         */
        private static List<String> removeTokenCountsTheDefinitionCannotCast(BridgeDatabases databases) throws SQLException {
            List<String> found = new ArrayList<>();
            try (Connection source = databases.openSource(); Statement statement = source.createStatement()) {
                statement.execute("CREATE FUNCTION pg_temp.castable(value TEXT) RETURNS BOOLEAN LANGUAGE plpgsql AS "
                        + "$$ BEGIN PERFORM value::INT; RETURN TRUE; EXCEPTION WHEN OTHERS THEN RETURN FALSE; END $$");
                try (ResultSet rs = statement.executeQuery("SELECT event_id, payload ->> 'token_count' FROM agent_events "
                        + "WHERE payload ->> 'token_count' IS NOT NULL AND NOT pg_temp.castable(payload ->> 'token_count')")) {
                    while (rs.next()) {
                        found.add(rs.getString(1) + " = " + visible(rs.getString(2)));
                    }
                }
                statement.executeUpdate("DELETE FROM agent_events WHERE payload ->> 'token_count' IS NOT NULL "
                        + "AND NOT pg_temp.castable(payload ->> 'token_count')");
            }
            return found;
        }

        String summary() {
            Map<String, Long> rejected = new TreeMap<>();
            rejections.forEach((state, count) -> rejected.put(state, count.get()));
            return String.format("%d source transactions, %d row changes accepted, rejected by SQLSTATE %s, %d bulk "
                            + "transactions, %d kills in the snapshot, %d in the stream, %d bridge restarts, %d s",
                    commits.get(), changes.get(), rejected, bulks.get() > MAX_BULKS ? MAX_BULKS : bulks.get(), snapshotKills,
                    streamKills, bridgeRestarts, Duration.ofNanos(System.nanoTime() - started).toSeconds());
        }
    }

    static String describe(Throwable error) {
        if (error == null) {
            return "no failure recorded";
        }
        StringBuilder text = new StringBuilder(String.valueOf(error));
        for (Throwable cause = error.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append(" <- ").append(cause);
        }
        return text.length() > 2_000 ? text.substring(0, 2_000) + "..." : text.toString();
    }

    /** A value in quotes, with invisible characters as \\u escapes. */
    static String visible(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder text = new StringBuilder("\"");
        value.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7F || Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0xFEFF) {
                text.append(String.format("\\u%04x", c));
            } else {
                text.appendCodePoint(c);
            }
        });
        return text.append('"').toString();
    }
}
