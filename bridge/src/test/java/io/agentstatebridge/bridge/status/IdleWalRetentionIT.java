package io.agentstatebridge.bridge.status;

import io.agentstatebridge.bridge.engine.Bridge;
import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.bridge.testing.BridgeDatabases;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * While the agent tables are idle but the source writes heavily elsewhere, the heartbeat keeps
 * the slot advancing: the source never keeps more than a few seconds of WAL for the bridge.
 */
class IdleWalRetentionIT {
    private static final long MB = 1 << 20;

    @Test
    void heartbeatKeepsTheSlotAdvancingWhileOnlyUnrelatedTablesAreWritten() throws Exception {
        BridgeDatabases databases = new BridgeDatabases("idle_wal");
        try (Bridge bridge = new Bridge(databases.settings(2048)); Connection source = databases.openSource();
             Statement statement = source.createStatement()) {
            statement.execute("CREATE TABLE unrelated_audit_log (id BIGINT, body TEXT)");
            bridge.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> bridge.status().current().state() == BridgeState.STREAMING);

            long walStart = walPosition(statement);
            long maxRetained = 0;
            int batch = 0;
            while (walPosition(statement) - walStart < 200 * MB) {
                long started = System.nanoTime();
                // About 8 MB of WAL a second, none of it in the published tables.
                statement.execute("INSERT INTO unrelated_audit_log SELECT g, repeat(md5(g::text), 32) "
                        + "FROM generate_series(" + (batch * 4000) + ", " + (batch * 4000 + 3999) + ") g");
                batch++;
                maxRetained = Math.max(maxRetained, retainedWal(source, databases.name()));
                long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
                Thread.sleep(Math.max(0, 500 - elapsedMillis));
            }
            long written = walPosition(statement) - walStart;
            System.out.printf("idle-wal: %d MB of unrelated WAL written; the slot retained at most %d MB%n",
                    written / MB, maxRetained / MB);
            assertThat(maxRetained).as("WAL retained for the slot while %d MB were written elsewhere", written / MB)
                    .isLessThan(64 * MB);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(retainedWal(source, databases.name())).isLessThan(16 * MB));
        }
    }

    private static long walPosition(Statement statement) throws Exception {
        try (ResultSet rs = statement.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long retainedWal(Connection source, String slot) throws Exception {
        try (PreparedStatement query = source.prepareStatement("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), "
                + "confirmed_flush_lsn)::bigint FROM pg_replication_slots WHERE slot_name = ?")) {
            query.setString(1, slot);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }
}
