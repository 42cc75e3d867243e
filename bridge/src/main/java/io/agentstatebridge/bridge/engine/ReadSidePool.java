package io.agentstatebridge.bridge.engine;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.agentstatebridge.bridge.config.DatabaseUrl;

/**
 * The bridge's connections to the read side: a small pool shared by the batches, the status
 * reporter and the offset store. Sized and timed for outages rather than for throughput (one batch
 * is applied at a time).
 */
final class ReadSidePool {
    private ReadSidePool() {
    }

    static HikariDataSource open(DatabaseUrl target) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(target.jdbcUrl());
        config.setPoolName("read-side");
        config.setMaximumPoolSize(3);
        config.setMinimumIdle(1);
        // Short, so that while the read side is down each retry of a batch and each status tick
        // gives up quickly (the batch is retried with backoff; the status shows the outage).
        config.setConnectionTimeout(3_000);
        config.setInitializationFailTimeout(-1);
        // After a network partition the server may keep a session of ours it cannot tell is gone,
        // in the middle of a batch's transaction, holding row locks the retried batch then waits
        // for. Keepalives let the server notice a vanished peer in about 25 s (instead of the
        // default two hours); the idle-in-transaction limit ends such a transaction regardless.
        // Neither touches a live batch: its statements follow each other without pause.
        config.setConnectionInitSql("SET idle_in_transaction_session_timeout = '30s'; SET tcp_keepalives_idle = 10; "
                + "SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3");
        config.addDataSourceProperty("ApplicationName", "agent-state-bridge");
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        return new HikariDataSource(config);
    }
}
