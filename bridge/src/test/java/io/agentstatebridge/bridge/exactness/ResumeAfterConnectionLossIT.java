package io.agentstatebridge.bridge.exactness;

import io.agentstatebridge.bridge.engine.Bridge;
import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.bridge.testing.BridgeConnectionKiller;
import io.agentstatebridge.bridge.testing.BridgeDatabases;
import io.agentstatebridge.bridge.testing.TwoServers;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Committed transactions survive the connector resuming: while writers commit single-event
 * transactions with updates and deletes, and one writer commits 25 events per transaction, all
 * interleaving in the WAL, the bridge's replication connection is terminated at many random
 * moments; each time the connector restarts its task in the process and resumes from the position
 * stored on the read side. Afterwards no transaction, and no part of one, may be missing. Ordinary
 * values only, so that a failure here is about positions, not characters.
 *
 * <p>Issue 10, items 3 and 11. Prints its seed; replay with {@code -Dbridge.seed=SEED}; runs
 * {@code -Dbridge.resume.seconds=75} seconds of load. Every few losses the bridge is also stopped and
 * started again, which resets the connector's reconnect backoff (it only grows) and tests resuming at start.
 */
class ResumeAfterConnectionLossIT {
    private static final int KILLS_PER_CONNECTOR = 4;

    @Test
    void transactionsCommittedAroundManyReplicationConnectionLossesAllArrive() throws Exception {
        long seed = Long.getLong("bridge.seed", System.nanoTime());
        int seconds = Integer.getInteger("bridge.resume.seconds", 75);
        System.out.println("ResumeAfterConnectionLossIT: seed " + seed + " (replay with -Dbridge.seed=" + seed + ")");
        Random random = new Random(seed);
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        try (TwoServers servers = TwoServers.start(false)) {
            BridgeDatabases databases = servers.databases("resume");
            List<Thread> writers = new ArrayList<>();
            writers.add(new Thread(() -> guard(writerFailure, () -> writeTransactionsOf25(databases, writing)), "writer-25"));
            for (int w = 0; w < 2; w++) {
                long writerSeed = random.nextLong();
                String prefix = "w" + w + "-";
                writers.add(new Thread(() -> guard(writerFailure, () -> writeSingles(databases, writing, new Random(writerSeed), prefix)),
                        "writer-" + prefix));
            }
            int kills;
            try (StreamedBridge bridge = StreamedBridge.start(databases, 64);
                 BridgeConnectionKiller killer = new BridgeConnectionKiller(databases.source(), databases.settings(64).slot())) {
                writers.forEach(Thread::start);
                killer.start(new Random(random.nextLong()), Duration.ofMillis(200), Duration.ofMillis(2_000));
                long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
                int restartAt = KILLS_PER_CONNECTOR;
                while (System.nanoTime() < end && bridge.bridge().state() != BridgeState.FAILED && writerFailure.get() == null) {
                    Thread.sleep(250);
                    if (killer.kills() >= restartAt) {
                        // The connector's reconnect backoff only grows; a new one starts from its shortest wait.
                        bridge.restart();
                        restartAt = killer.kills() + KILLS_PER_CONNECTOR;
                    }
                }
                killer.stop();
                kills = killer.kills();
                writing.set(false);
                for (Thread writer : writers) {
                    writer.join();
                }
                assertThat(writerFailure.get()).as("a source writer failed (a test problem)").isNull();
                System.out.println("ResumeAfterConnectionLossIT: " + kills + " connection losses, "
                        + databases.count(databases.source(), "SELECT count(*) FROM agent_events") + " events on the source");
                assertThat(bridge.differences()).as("seed %d, after %d connection losses", seed, kills).isNull();
            }
            assertThat(kills).as("connection losses caused").isGreaterThanOrEqualTo(Math.min(20, seconds / 4));
        }
    }

    private interface Work {
        void run() throws Exception;
    }

    private static void guard(AtomicReference<Throwable> failure, Work work) {
        try {
            work.run();
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
        }
    }

    /** 25 events per transaction, sharing one created_at, spread over three sessions. */
    private static void writeTransactionsOf25(BridgeDatabases databases, AtomicBoolean writing) throws Exception {
        try (Connection source = databases.openSource();
             PreparedStatement insert = source.prepareStatement("INSERT INTO agent_events (event_id, agent_id, session_id, "
                     + "event_type, payload) VALUES (?, 'batcher', ?, 'tool_called', jsonb_build_object('token_count', 3))")) {
            source.setAutoCommit(false);
            for (int transaction = 0; writing.get(); transaction++) {
                for (int i = 0; i < 25; i++) {
                    insert.setString(1, "t" + transaction + "-" + i);
                    insert.setString(2, "batch-session-" + (transaction % 3));
                    insert.addBatch();
                }
                insert.executeBatch();
                source.commit();
                Thread.sleep(50);
            }
        }
    }

    /** Single-statement transactions: inserts, and updates and deletes of earlier events. */
    private static void writeSingles(BridgeDatabases databases, AtomicBoolean writing, Random random, String prefix) throws Exception {
        try (Connection source = databases.openSource();
             PreparedStatement insert = source.prepareStatement("INSERT INTO agent_events (event_id, agent_id, session_id, "
                     + "event_type, payload) VALUES (?, ?, ?, 'message_received', jsonb_build_object('token_count', ?::int))");
             PreparedStatement update = source.prepareStatement("UPDATE agent_events SET event_type = 'decision_made', "
                     + "session_id = ? WHERE event_id = ?");
             PreparedStatement delete = source.prepareStatement("DELETE FROM agent_events WHERE event_id = ?");
             PreparedStatement session = source.prepareStatement("INSERT INTO agent_sessions (session_id, agent_id, agent_type) "
                     + "VALUES (?, ?, 'coder') ON CONFLICT DO NOTHING")) {
            for (int n = 0; writing.get(); n++) {
                int dice = random.nextInt(10);
                String earlier = prefix + random.nextInt(n + 1);
                if (dice < 6 || n == 0) {
                    insert.setString(1, prefix + n);
                    insert.setString(2, prefix + "agent-" + random.nextInt(3));
                    insert.setString(3, prefix + "session-" + random.nextInt(10));
                    insert.setInt(4, random.nextInt(100));
                    insert.executeUpdate();
                } else if (dice < 8) {
                    update.setString(1, prefix + "session-" + random.nextInt(10));
                    update.setString(2, earlier);
                    update.executeUpdate();
                } else if (dice < 9) {
                    delete.setString(1, earlier);
                    delete.executeUpdate();
                } else {
                    session.setString(1, prefix + "session-" + random.nextInt(10));
                    session.setString(2, prefix + "agent-" + random.nextInt(3));
                    session.executeUpdate();
                }
                Thread.sleep(1 + random.nextInt(10));
            }
        }
    }
}
