package io.agentstatebridge.bridge.engine;

import io.agentstatebridge.bridge.testing.BridgeDatabases;
import io.agentstatebridge.bridge.testing.BridgeProcess;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One source transaction of 100,000 events, 100 MB of payloads, becomes visible on the read side in
 * one step: a reader polling throughout sees none of it or all of it, never a part, and the
 * bridge, in a JVM whose heap could not hold the transaction, writes it in parts into one open
 * read-side transaction (issue 11: whole source transactions however large, memory bounded).
 */
class LargeTransactionIT {
    private static final int EVENTS = 100_000;

    @Test
    void aHundredThousandEventTransactionBecomesVisibleInOneStepWithTheBridgesMemoryBounded() throws Exception {
        BridgeDatabases databases = new BridgeDatabases("large_transaction");
        try (Connection source = databases.openSource(); Statement statement = source.createStatement()) {
            statement.execute("INSERT INTO agent_sessions (session_id, agent_id, agent_type) VALUES ('big', 'a1', 'coder')");
        }
        try (BridgeProcess bridge = BridgeProcess.start(List.of("-Xmx96m"), "large-transaction",
                "run", "--source-url", databases.source().jdbcUrl(), "--target-url", databases.target().jdbcUrl(),
                "--name", databases.name(), "--slot", databases.name(), "--publication", databases.name(),
                "--max-batch-size", "5000", "--http-port", "0")) {
            await("bridge streaming").atMost(Duration.ofSeconds(90))
                    .until(() -> bridge.output().contains("streaming from") || !bridge.isAlive());

            Set<Long> seen = new ConcurrentSkipListSet<>();
            AtomicBoolean polling = new AtomicBoolean(true);
            Thread reader = new Thread(() -> poll(databases, seen, polling), "reader");
            reader.start();
            try (Connection source = databases.openSource(); Statement statement = source.createStatement()) {
                statement.execute("INSERT INTO agent_events (event_id, agent_id, session_id, event_type, payload) "
                        + "SELECT 'big-' || g, 'a1', 'big', 'tool_called', jsonb_build_object('token_count', 1, "
                        + "'text', repeat(md5(g::text), 30)) FROM generate_series(1, " + EVENTS + ") g");
            }
            long committed = System.nanoTime();
            await("the transaction on the read side").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200))
                    .until(() -> seen.contains((long) EVENTS) || !bridge.isAlive());
            double seconds = (System.nanoTime() - committed) / 1e9;
            polling.set(false);
            reader.join();

            assertThat(bridge.isAlive()).as("bridge running with a 96 MB heap; see %s", bridge.log()).isTrue();
            assertThat(seen).as("event counts a reader saw while the transaction was applied").containsOnly(0L, (long) EVENTS);
            assertThat(databases.count(databases.target(), "SELECT total_events FROM session_summary WHERE session_id = 'big'"))
                    .isEqualTo(EVENTS);
            assertThat(bridge.output()).contains("writing it in parts into one read-side transaction");
            System.out.printf("large transaction: %,d events visible in one step %.1f s after the source commit; "
                    + "bridge peak RSS %d MB with -Xmx96m%n", EVENTS, seconds, bridge.peakResidentBytes() >> 20);
            assertThat(databases.verifyDifferences(Duration.ofSeconds(120))).as("read side vs definitions").isNull();
        }
    }

    private static void poll(BridgeDatabases databases, Set<Long> seen, AtomicBoolean polling) {
        try (Connection reader = DriverManager.getConnection(databases.target().jdbcUrl());
             Statement statement = reader.createStatement()) {
            while (polling.get()) {
                try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM agent_events WHERE session_id = 'big'")) {
                    rs.next();
                    seen.add(rs.getLong(1));
                }
                Thread.sleep(20);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
