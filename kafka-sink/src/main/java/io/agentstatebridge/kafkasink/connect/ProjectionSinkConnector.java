package io.agentstatebridge.kafkasink.connect;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maintains the agent-state-bridge read side (replicas of agent_events and agent_sessions, and the
 * projections) from the change topics of Debezium's PostgreSQL connector. Each task applies the
 * partitions Connect assigns it; keyed by agent, partitions hold disjoint agents, so tasks never
 * touch the same rows. See docs/kafka-connect.md.
 */
public final class ProjectionSinkConnector extends SinkConnector {
    private Map<String, String> properties;

    @Override
    public void start(Map<String, String> props) {
        new SinkSettings(props); // fails the connector's creation with ConfigException if a setting is wrong
        properties = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return ProjectionSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> config = new HashMap<>(properties);
            config.put(SinkSettings.TASK_INDEX, Integer.toString(i));
            configs.add(config);
        }
        return configs;
    }

    @Override
    public void stop() {
        // Nothing runs in the connector itself: the tasks do the work.
    }

    @Override
    public ConfigDef config() {
        return SinkSettings.DEFINITION;
    }

    @Override
    public String version() {
        return ProjectionSinkTask.VERSION;
    }
}
