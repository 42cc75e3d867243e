package io.agentstatebridge.kafkasink.testing;

import io.agentstatebridge.kafkasink.connect.ProjectionSinkConnector;
import io.agentstatebridge.projections.testing.PostgresFixture;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * A real KRaft broker and Connect workers in this JVM (Kafka's own integration-test kit), running
 * Debezium's PostgreSQL connector and the sink with the settings docs/kafka-connect.md prescribes.
 */
public final class SinkCluster implements AutoCloseable {
    /** Both tables' changes go to one topic per source, keyed by agent: an agent's changes keep their source order. */
    public static final String TOPIC = "agent_state_bridge.agent_changes";

    private static final String CLUSTER = "agent-state-bridge-sink";

    private final EmbeddedConnectCluster connect;
    private final Map<String, String> workerProps = new HashMap<>();

    public SinkCluster(int workers, int partitions) {
        workerProps.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        // Keys without schemas: {"agent_id":"..."} is the same bytes for both tables, so an agent's
        // events and sessions hash to the same partition.
        workerProps.put("key.converter.schemas.enable", "false");
        workerProps.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        workerProps.put("value.converter.schemas.enable", "true");
        workerProps.put("offset.flush.interval.ms", "2000");
        // A worker that died is noticed within seconds and its tasks handed out again at once (the
        // defaults, 45 s for sink consumers and 5 minutes' grace for a worker to come back, suit
        // production, not a test).
        workerProps.put("scheduled.rebalance.max.delay.ms", "0");
        workerProps.put("session.timeout.ms", "6000");
        workerProps.put("heartbeat.interval.ms", "1000");
        workerProps.put("consumer.session.timeout.ms", "6000");
        workerProps.put("consumer.heartbeat.interval.ms", "1000");
        // Every plugin here has a ServiceLoader manifest: skip scanning the classpath (a minute per worker).
        workerProps.put("plugin.discovery", "service_load");
        // Named here rather than left to the kit, so a worker in another process joins the same cluster.
        workerProps.put("group.id", "connect-" + CLUSTER);
        workerProps.put("offset.storage.topic", "connect-offsets-" + CLUSTER);
        workerProps.put("config.storage.topic", "connect-configs-" + CLUSTER);
        workerProps.put("status.storage.topic", "connect-status-" + CLUSTER);
        workerProps.put("offset.storage.replication.factor", "1");
        workerProps.put("config.storage.replication.factor", "1");
        workerProps.put("status.storage.replication.factor", "1");
        connect = new EmbeddedConnectCluster.Builder()
                .name(CLUSTER)
                .numWorkers(workers)
                .numBrokers(1)
                .workerProps(workerProps)
                .build();
        connect.start();
        createTopic(TOPIC, partitions);
    }

    public void createTopic(String topic, int partitions) {
        connect.kafka().createTopic(topic, partitions);
    }

    public EmbeddedConnectCluster connect() {
        return connect;
    }

    /** Starts a worker of this cluster in a process of its own, one a test can kill. */
    public WorkerProcess startWorkerProcess() {
        Map<String, String> props = new HashMap<>(workerProps);
        props.put("bootstrap.servers", connect.kafka().bootstrapServers());
        return WorkerProcess.start(props);
    }

    /** Worker ids (host:port) running tasks of {@code connectorName}. */
    public java.util.Set<String> workersRunning(String connectorName) {
        return connect.connectorStatus(connectorName).tasks().stream().map(ConnectorStateInfo.TaskState::workerId)
                .collect(java.util.stream.Collectors.toSet());
    }

    /** Debezium's PostgreSQL connector on {@code source}, as docs/kafka-connect.md configures it. */
    public void startSource(String connectorName, SourceDatabase source, String topicPrefix) {
        startSource(connectorName, source, topicPrefix, TOPIC);
    }

    /** As above, both tables routed to {@code topic}. */
    public void startSource(String connectorName, SourceDatabase source, String topicPrefix, String topic) {
        PostgresFixture postgres = PostgresFixture.get();
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        config.put("tasks.max", "1");
        config.put("database.hostname", postgres.host());
        config.put("database.port", Integer.toString(postgres.port()));
        config.put("database.user", "postgres");
        config.put("database.password", "");
        config.put("database.dbname", source.name());
        config.put("topic.prefix", topicPrefix);
        config.put("plugin.name", "pgoutput");
        config.put("slot.name", source.name());
        config.put("publication.name", source.name());
        config.put("publication.autocreate.mode", "filtered");
        config.put("table.include.list", "public.agent_events,public.agent_sessions");
        config.put("message.key.columns", "public.agent_events:agent_id;public.agent_sessions:agent_id");
        config.put("tombstones.on.delete", "false");
        config.put("snapshot.mode", "initial");
        config.put("transforms", "route");
        config.put("transforms.route.type", "org.apache.kafka.connect.transforms.RegexRouter");
        config.put("transforms.route.regex", topicPrefix.replace(".", "\\.") + "\\.public\\.(agent_events|agent_sessions)");
        config.put("transforms.route.replacement", topic);
        connect.configureConnector(connectorName, config);
        awaitRunning(connectorName, 1);
    }

    /** The sink, {@code tasks} tasks, applying {@code sourceName}'s changes to {@code readSideUrl}. */
    public void startSink(String connectorName, String sourceName, String readSideUrl, int tasks) {
        startSink(connectorName, sourceName, readSideUrl, tasks, Map.of());
    }

    /** The sink of the source whose changes go to {@code topic}. */
    public void startSink(String connectorName, String sourceName, String topic, String readSideUrl, int tasks) {
        startSink(connectorName, sourceName, readSideUrl, tasks, Map.of("topics", topic));
    }

    /** As above, with further connector settings ({@code consumer.override.*}, say). */
    public void startSink(String connectorName, String sourceName, String readSideUrl, int tasks, Map<String, String> more) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", ProjectionSinkConnector.class.getName());
        config.put("tasks.max", Integer.toString(tasks));
        config.put("topics", TOPIC);
        config.putAll(more);
        config.put("read.side.jdbc.url", readSideUrl);
        config.put("source.name", sourceName);
        connect.configureConnector(connectorName, config);
        awaitRunning(connectorName, tasks);
    }

    public void awaitRunning(String connectorName, int tasks) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
            ConnectorStateInfo status = connect.connectorStatus(connectorName);
            return "RUNNING".equals(status.connector().state()) && status.tasks().size() == tasks
                    && status.tasks().stream().allMatch(t -> "RUNNING".equals(t.state()));
        });
    }

    /** Fails with the task's trace when any task of {@code connectorName} has failed. */
    public void assertNoTaskFailed(String connectorName) {
        ConnectorStateInfo status = connect.connectorStatus(connectorName);
        for (ConnectorStateInfo.TaskState task : status.tasks()) {
            if ("FAILED".equals(task.state())) {
                throw new AssertionError(connectorName + " task " + task.id() + " failed:\n" + task.trace());
            }
        }
    }

    @Override
    public void close() {
        connect.stop();
    }
}
