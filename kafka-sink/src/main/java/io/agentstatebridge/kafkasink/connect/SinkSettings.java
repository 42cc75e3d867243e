package io.agentstatebridge.kafkasink.connect;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.types.Password;

import java.util.Map;

/** The sink connector's own settings (Connect's own, such as topics and tasks.max, are Connect's). */
public final class SinkSettings extends AbstractConfig {
    public static final String READ_SIDE_URL = "read.side.jdbc.url";
    public static final String READ_SIDE_USER = "read.side.user";
    public static final String READ_SIDE_PASSWORD = "read.side.password";
    public static final String READ_SIDE_MIGRATE = "read.side.migrate";
    public static final String SOURCE_NAME = "source.name";
    public static final String UNAVAILABLE_VALUE_PLACEHOLDER = "unavailable.value.placeholder";
    public static final String POOL_SIZE = "read.side.pool.size";
    /** Set by the connector in each task's configuration: tells the tasks apart on the read side. */
    static final String TASK_INDEX = "agent.state.bridge.task.index";
    /** Debezium's own default for the same setting of the source connector. */
    static final String DEBEZIUM_PLACEHOLDER = "__debezium_unavailable_value";

    static final ConfigDef DEFINITION = new ConfigDef()
            .define(READ_SIDE_URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "JDBC URL of the read-side PostgreSQL database, e.g. jdbc:postgresql://reads:5432/agents")
            .define(READ_SIDE_USER, Type.STRING, "", Importance.HIGH, "Role the sink applies changes as")
            .define(READ_SIDE_PASSWORD, Type.PASSWORD, "", Importance.HIGH, "Password of that role")
            .define(READ_SIDE_MIGRATE, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Create or upgrade the read-side schema when a task starts (set false when the role may not, "
                            + "and run the bridge's migrate command once instead)")
            .define(SOURCE_NAME, Type.STRING, "", Importance.HIGH,
                    "Name of the source database this connector's topics come from; positions are kept per source, so "
                            + "several source databases can feed one read side. Defaults to the connector's name")
            .define(UNAVAILABLE_VALUE_PLACEHOLDER, Type.STRING, DEBEZIUM_PLACEHOLDER, Importance.MEDIUM,
                    "The source connector's unavailable.value.placeholder: marks large values an UPDATE left unchanged")
            .define(POOL_SIZE, Type.INT, 2, ConfigDef.Range.between(1, 64), Importance.LOW,
                    "Read-side connections each task keeps open");

    private final String connectorName;

    public SinkSettings(Map<String, String> properties) {
        super(DEFINITION, properties);
        connectorName = properties.getOrDefault("name", "agent-state-bridge-sink");
    }

    public String readSideUrl() {
        return getString(READ_SIDE_URL);
    }

    public String readSideUser() {
        return getString(READ_SIDE_USER);
    }

    public Password readSidePassword() {
        return getPassword(READ_SIDE_PASSWORD);
    }

    public boolean migrate() {
        return getBoolean(READ_SIDE_MIGRATE);
    }

    public int poolSize() {
        return getInt(POOL_SIZE);
    }

    public String sourceName() {
        String name = getString(SOURCE_NAME);
        return name.isBlank() ? connectorName : name;
    }

    public String unavailableValuePlaceholder() {
        return getString(UNAVAILABLE_VALUE_PLACEHOLDER);
    }

    /** The name the task applies under on the read side (its row in agent_state_bridge.source_position). */
    public String applierName(int taskIndex) {
        return "kafka-sink/" + sourceName() + "/" + connectorName + "/task-" + taskIndex;
    }
}
