package io.agentstatebridge.bridge.engine;

import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.agentstatebridge.projections.change.SourceTable;

import java.util.Arrays;
import java.util.Properties;
import java.util.stream.Collectors;

/** The embedded connector's configuration, derived from the bridge settings. */
final class ConnectorProperties {
    /**
     * Fixed on purpose: the connector names its single source partition after this prefix, and
     * the stored offset belongs to that partition.
     */
    static final String TOPIC_PREFIX = "agent_state_bridge";

    private ConnectorProperties() {
    }

    static Properties of(BridgeSettings settings) {
        DatabaseUrl source = settings.source();
        Properties p = new Properties();
        p.setProperty("name", settings.name());
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("topic.prefix", TOPIC_PREFIX);

        p.setProperty("offset.storage", TargetOffsetStore.class.getName());
        p.setProperty(TargetOffsetStore.BRIDGE_NAME_PROPERTY, settings.name());
        // How often the applied position is confirmed to the slot (offsets themselves are stored
        // with every batch): often enough that the source can recycle WAL promptly.
        p.setProperty("offset.flush.interval.ms", "1000");

        p.setProperty("database.hostname", source.host());
        p.setProperty("database.port", Integer.toString(source.port()));
        p.setProperty("database.dbname", source.database());
        p.setProperty("database.user", source.user());
        p.setProperty("database.password", source.password().value());
        if (source.sslMode() != null) {
            p.setProperty("database.sslmode", source.sslMode());
        }
        p.setProperty("database.applicationName", "agent-state-bridge");

        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", settings.slot());
        p.setProperty("publication.name", settings.publication());
        // The preflight creates the publication limited to our tables; the connector must not widen it.
        p.setProperty("publication.autocreate.mode", "disabled");
        p.setProperty("table.include.list", Arrays.stream(SourceTable.values())
                .map(t -> t.schema() + "\\." + t.tableName()).collect(Collectors.joining(",")));
        p.setProperty("snapshot.mode", "initial");
        // The connector refuses a stored position its slot can no longer serve (slot missing, or
        // recreated past it) instead of creating a slot and streaming from now. On by default;
        // stated because the bridge's exactness depends on it (see SlotGuard).
        p.setProperty("log.position.check.enable", "true");
        // TRUNCATE is skipped by default; the projections must see it.
        p.setProperty("skipped.operations", "none");
        p.setProperty("tombstones.on.delete", "false");
        p.setProperty("unavailable.value.placeholder", ChangeRecordMapper.UNCHANGED_PLACEHOLDER);

        // BEGIN/END markers let batches end on source transaction boundaries.
        p.setProperty("provide.transaction.metadata", "true");
        p.setProperty("max.batch.size", Integer.toString(settings.maxBatchSize()));
        p.setProperty("max.queue.size", Integer.toString(Math.max(4 * settings.maxBatchSize(), 8192)));
        p.setProperty("poll.interval.ms", "50");

        // A heartbeat written through the stream keeps the slot moving when agents are idle, and
        // shows on the read side how fresh it is: idle lag stays under this interval.
        p.setProperty("heartbeat.interval.ms", "1000");
        p.setProperty("heartbeat.action.query", "INSERT INTO agent_state_bridge.heartbeat (bridge_name, beat_at, marker) "
                + "VALUES ('" + settings.name() + "', now(), 0) ON CONFLICT (bridge_name) "
                + "DO UPDATE SET beat_at = now(), marker = agent_state_bridge.heartbeat.marker + 1");

        p.setProperty("slot.max.retries", "3");
        p.setProperty("slot.retry.delay.ms", "2000");
        p.setProperty("errors.max.retries", "-1");
        return p;
    }
}
