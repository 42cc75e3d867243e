package io.agentstatebridge.kafkasink;

import io.agentstatebridge.kafkasink.testing.AgentShardedWorkload;
import io.agentstatebridge.kafkasink.testing.ReadSideCheck;
import io.agentstatebridge.kafkasink.testing.SinkCluster;
import io.agentstatebridge.kafkasink.testing.SourceDatabase;
import io.agentstatebridge.kafkasink.testing.UnionOfSources;
import io.agentstatebridge.kafkasink.testing.WorkerProcess;
import io.agentstatebridge.projections.testing.PostgresFixture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debezium's PostgreSQL connector and the sink on three Connect workers, a real broker, two source
 * databases with a randomized workload each over a fleet sharded by agent, and one worker killed
 * mid-stream (SIGKILL): the one read side ends equal to the definitions evaluated on both sources'
 * rows, and a writer can wait for its own agent's changes.
 */
class KafkaSinkIT {
    private static final int AGENTS = 24;
    private static final String TOPIC_B = "source_b.agent_changes";

    @Test
    void convergesExactlyThroughTheLossOfAWorker() throws Exception {
        long seed = Long.getLong("sink.seed", System.nanoTime());
        System.out.println("KafkaSinkIT seed " + seed + " (rerun with -Dsink.seed=" + seed + ")");
        // Two write databases, each holding its own agents (a fleet sharded by agent), one read side.
        SourceDatabase sourceA = SourceDatabase.create("sink_source_a");
        SourceDatabase sourceB = SourceDatabase.create("sink_source_b");
        String readSide = PostgresFixture.get().createDatabase("sink_read").jdbcUrl();
        AgentShardedWorkload workloadA = new AgentShardedWorkload(seed, "a-", AGENTS);
        AgentShardedWorkload workloadB = new AgentShardedWorkload(seed + 1, "b-", AGENTS / 2);
        try (Connection writer = sourceA.open()) {
            for (int i = 0; i < 100; i++) {
                workloadA.commitOne(writer); // taken by the source connector's initial snapshot
            }
        }
        try (SinkCluster cluster = new SinkCluster(2, 4); WorkerProcess doomed = cluster.startWorkerProcess()) {
            cluster.createTopic(TOPIC_B, 2);
            cluster.startSource("source-a", sourceA, "source_a");
            cluster.startSource("source-b", sourceB, "source_b", TOPIC_B);
            cluster.startSink("sink-a", "source-a", readSide, 4);
            cluster.startSink("sink-b", "source-b", TOPIC_B, readSide, 2);
            Set<String> sinkHosts = new HashSet<>(cluster.workersRunning("sink-a"));
            sinkHosts.addAll(cluster.workersRunning("sink-b"));
            // It loaded them from the plugin archive: that is all it has of the sink.
            assertThat(sinkHosts).as("the worker to be killed runs sink tasks").contains(doomed.workerId());

            AtomicInteger committed = new AtomicInteger();
            CompletableFuture<Void> writingA = CompletableFuture.runAsync(() -> write(sourceA, workloadA, 1_500, committed));
            CompletableFuture<Void> writingB = CompletableFuture.runAsync(() -> write(sourceB, workloadB, 500, new AtomicInteger()));
            awaitCommits(committed, 500, writingA);
            // Dies as a machine does: tasks cut off mid-transaction, offsets uncommitted, the group not told.
            doomed.kill();
            awaitCommits(committed, 1_000, writingA);
            cluster.connect().addWorker();
            writingA.get(3, TimeUnit.MINUTES);
            writingB.get(3, TimeUnit.MINUTES);

            SourceDatabase both = UnionOfSources.of(List.of(sourceA, sourceB));
            ReadSideCheck.awaitEqual(both.jdbcUrl(), readSide, Duration.ofSeconds(90));
            cluster.assertNoTaskFailed("sink-a");
            cluster.assertNoTaskFailed("sink-b");
            assertThat(partitionsApplied(readSide, "source-a")).as("source-a's partitions, applied in parallel").isEqualTo(4);
            assertThat(partitionsApplied(readSide, "source-b")).as("source-b's partitions").isEqualTo(2);

            assertEachAgentInOnePartition(cluster, SinkCluster.TOPIC);

            readYourWrites(sourceA, readSide, workloadA.agentName(0));
        }
    }

    /**
     * The source connector's settings put an agent's changes, of both tables, in one partition: each
     * record is keyed {"agent_id": ...} (message.key.columns), the same bytes from either table.
     */
    private static void assertEachAgentInOnePartition(SinkCluster cluster, String topic) throws Exception {
        Map<String, Set<Integer>> partitionsByKey = new HashMap<>();
        Map<String, Set<String>> tablesByKey = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : cluster.connect().kafka().consumeAll(60_000, topic)) {
            String key = new String(record.key(), StandardCharsets.UTF_8);
            partitionsByKey.computeIfAbsent(key, k -> new HashSet<>()).add(record.partition());
            String value = new String(record.value(), StandardCharsets.UTF_8);
            tablesByKey.computeIfAbsent(key, k -> new HashSet<>())
                    .add(value.contains("\"table\":\"agent_sessions\"") ? "agent_sessions" : "agent_events");
        }
        assertThat(partitionsByKey.keySet()).allMatch(key -> key.matches("\\{\"agent_id\":\"a-agent-\\d+\"}"));
        assertThat(partitionsByKey).hasSize(AGENTS).allSatisfy((key, partitions) -> assertThat(partitions).as(key).hasSize(1));
        assertThat(tablesByKey.values()).anyMatch(tables -> tables.size() == 2);
    }

    /** A write to one agent, then a wait on the read side for that agent only, then the read sees it. */
    private static void readYourWrites(SourceDatabase source, String readSide, String agent) throws SQLException {
        String token;
        long txid;
        try (Connection writer = source.open()) {
            writer.setAutoCommit(false);
            try (Statement statement = writer.createStatement()) {
                statement.executeUpdate("INSERT INTO public.agent_sessions (session_id, agent_id, agent_type) "
                        + "VALUES ('ryw-session', '" + agent + "', 'coder')");
                statement.executeUpdate("INSERT INTO public.agent_events (event_id, agent_id, session_id, event_type) "
                        + "VALUES ('ryw-event', '" + agent + "', 'ryw-session', 'message_received')");
                txid = single(statement, "SELECT pg_current_xact_id()::text::bigint", Long.class);
                writer.commit();
                token = single(statement, "SELECT pg_current_wal_insert_lsn()::text", String.class);
            }
        }
        try (Connection reader = DriverManager.getConnection(readSide);
             PreparedStatement wait = reader.prepareStatement("SELECT agent_state_bridge.await_agent_applied(?, ?::pg_lsn, ?, 20000)")) {
            wait.setString(1, agent);
            wait.setString(2, token);
            wait.setLong(3, txid);
            wait.execute();
            try (Statement statement = reader.createStatement()) {
                assertThat(single(statement, "SELECT count(*) FROM public.agent_events WHERE event_id = 'ryw-event'", Long.class))
                        .isEqualTo(1L);
            }
        }
    }

    private static void write(SourceDatabase source, AgentShardedWorkload workload, int transactions, AtomicInteger committed) {
        try (Connection writer = source.open()) {
            for (int i = 0; i < transactions; i++) {
                workload.commitOne(writer);
                committed.incrementAndGet();
                Thread.sleep(2);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitCommits(AtomicInteger committed, int transactions, CompletableFuture<Void> writing) throws Exception {
        while (committed.get() < transactions) {
            if (writing.isDone()) {
                writing.get(); // the writer failed: say why
            }
            Thread.sleep(20);
        }
    }

    /**
     * Partitions of {@code source} the sink applied streamed changes of (their Debezium sequence was
     * read and stored, which re-sent changes are checked against), agents of which it recorded there.
     */
    private static long partitionsApplied(String readSide, String source) throws SQLException {
        try (Connection reader = DriverManager.getConnection(readSide); Statement statement = reader.createStatement()) {
            return single(statement, "SELECT count(DISTINCT p.kafka_partition) FROM agent_state_bridge.sink_partition_position p "
                    + "JOIN agent_state_bridge.sink_agent_position a USING (source_name, topic, kafka_partition) "
                    + "WHERE p.next_offset > 0 AND p.last_change_lsn IS NOT NULL AND p.source_name = '" + source + "'", Long.class);
        }
    }

    private static <T> T single(Statement statement, String sql, Class<T> type) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getObject(1, type);
        }
    }
}
