package io.agentstatebridge.kafkasink;

import io.agentstatebridge.kafkasink.testing.SinkCluster;
import io.agentstatebridge.kafkasink.testing.SourceDatabase;
import io.agentstatebridge.projections.apply.SqlResource;
import io.agentstatebridge.projections.testing.PostgresFixture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How fast the sink applies a fleet's changes with 1, 2 and 4 tasks, on this machine: Debezium first
 * writes the changes of `bench.events` fleet-like events (1,000 agents, sessions of 50 events) to a
 * topic of 4 partitions; then, for each task count, a fresh sink applies the whole topic into an empty
 * read side, timed from its first applied batch to its last. Prints the figures; asserts only that
 * every change was applied. {@code -Dbench.tasks=4,2,1} changes the task counts and their order.
 * Run: mvn -B -pl kafka-sink -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *        -Dit.test=SinkThroughputBenchmark -Dfailsafe.failIfNoSpecifiedTests=false [-Dbench.events=100000]
 */
class SinkThroughputBenchmark {
    private static final int PARTITIONS = 4;

    @Test
    void eventsPerSecondByTaskCount() throws Exception {
        int events = Integer.getInteger("bench.events", 100_000);
        SourceDatabase source = SourceDatabase.create("sink_bench_source");
        try (SinkCluster cluster = new SinkCluster(1, PARTITIONS)) {
            cluster.startSource("bench-source", source, "agent_state_bridge");
            long records = generate(source, events);
            long produced = awaitTopicHolds(cluster, records);
            System.out.printf("topic holds %,d change records (%,d events and their sessions)%n", produced, events);
            for (String count : System.getProperty("bench.tasks", "1,2,4").split(",")) {
                int tasks = Integer.parseInt(count.strip());
                String readSide = PostgresFixture.get().createDatabase("sink_bench_read_" + tasks).jdbcUrl();
                String name = "bench-sink-" + tasks;
                Map<String, String> overrides = Map.of("consumer.override.max.poll.records", "2000");
                cluster.startSink(name, name, readSide, tasks, overrides);
                double seconds = awaitApplied(readSide, name, produced);
                cluster.connect().deleteConnector(name);
                System.out.printf("%d task(s): %,d changes in %.1f s = %,.0f changes/s%n", tasks, produced, seconds, produced / seconds);
            }
        }
    }

    /** Inserts the events (and the sessions they open) in transactions of 5,000; returns the rows written. */
    private static long generate(SourceDatabase source, int events) throws Exception {
        String sql = SqlResource.load("bench/generate_events.sql");
        try (Connection connection = source.open(); PreparedStatement insert = connection.prepareStatement(sql)) {
            for (int from = 0; from < events; from += 5_000) {
                insert.setLong(1, from);
                insert.setLong(2, Math.min(events, from + 5_000) - 1L);
                insert.executeUpdate();
            }
            try (Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT (SELECT count(*) FROM agent_events) + (SELECT count(*) FROM agent_sessions)")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long awaitTopicHolds(SinkCluster cluster, long records) throws Exception {
        Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.connect().kafka().bootstrapServers());
        try (Admin admin = Admin.create(config)) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(SinkCluster.TOPIC, p), OffsetSpec.latest());
            }
            long deadline = System.nanoTime() + 600_000_000_000L;
            while (System.nanoTime() < deadline) {
                long total = admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
                if (total >= records) {
                    return total;
                }
                Thread.sleep(500);
            }
        }
        throw new AssertionError("Debezium did not write " + records + " records within 10 minutes");
    }

    /** Seconds from the sink's first applied batch to the one that completes the topic. */
    private static double awaitApplied(String readSide, String sourceName, long records) throws Exception {
        long first = 0;
        try (Connection connection = DriverManager.getConnection(readSide)) {
            while (true) {
                long applied = appliedOffsets(connection, sourceName);
                if (applied > 0 && first == 0) {
                    first = System.nanoTime();
                }
                if (applied >= records) {
                    double seconds = (System.nanoTime() - first) / 1e9;
                    assertThat(applied).isEqualTo(records);
                    return seconds;
                }
                Thread.sleep(100);
            }
        }
    }

    private static long appliedOffsets(Connection connection, String sourceName) {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT coalesce(sum(next_offset), 0) FROM agent_state_bridge.sink_partition_position WHERE source_name = ?")) {
            select.setString(1, sourceName);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            return 0; // the sink has not created its tables yet
        }
    }
}
