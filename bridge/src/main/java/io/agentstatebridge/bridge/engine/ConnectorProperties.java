package io.agentstatebridge.bridge.engine;

import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.agentstatebridge.projections.change.SourceTable;

import java.time.Duration;
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

    /** Most records the connector hands over at once. */
    static final int DELIVERY_SIZE = 2048;

    /** Backoff between the connector's attempts to reach the source again after losing it. */
    static final Duration RECONNECT_INITIAL = Duration.ofMillis(300);
    static final Duration RECONNECT_MAX = Duration.ofSeconds(10);

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
        // The connector hands database.* settings to the driver for each of its connections, the
        // replication one included: sslmode, sslrootcert, sslcert, sslkey, sslpassword, sslfactory...
        source.sslParameters().forEach((name, value) -> p.setProperty("database." + name, value));
        p.setProperty("database.applicationName", "agent-state-bridge");

        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", settings.slot());
        p.setProperty("publication.name", settings.publication());
        // The preflight creates the publication limited to our tables; the connector must not widen it.
        p.setProperty("publication.autocreate.mode", "disabled");
        p.setProperty("table.include.list", Arrays.stream(SourceTable.values())
                .map(t -> t.schema() + "\\." + t.tableName()).collect(Collectors.joining(",")));
        // The bridge loads the read side itself, by bulk copy at the snapshot its slot exported
        // (see SourceSnapshot), and stores the slot's consistent point: the connector only streams.
        p.setProperty("snapshot.mode", "no_data");
        // The connector refuses a stored position its slot can no longer serve (slot missing, or
        // recreated past it) instead of creating a slot and streaming from now. On by default;
        // stated because the bridge's exactness depends on it (see SlotGuard).
        p.setProperty("log.position.check.enable", "true");
        // TRUNCATE is skipped by default; the projections must see it.
        p.setProperty("skipped.operations", "none");
        p.setProperty("tombstones.on.delete", "false");
        p.setProperty("unavailable.value.placeholder", ChangeRecordMapper.UNCHANGED_PLACEHOLDER);
        // Logical decoding messages (pg_logical_emit_message, which any role may call, and which
        // outbox relays and other tools emit) change no table: the connector drops them all.
        p.setProperty("message.prefix.exclude.list", ".*");

        // BEGIN/END markers let batches end on source transaction boundaries.
        p.setProperty("provide.transaction.metadata", "true");
        // Deliveries of this size at most; the batch handler gathers whole transactions across them
        // into read-side transactions of up to --max-batch-size changes, and applies at once when a
        // delivery comes short (the connector has nothing more queued). The queue bounds memory.
        p.setProperty("max.batch.size", Integer.toString(DELIVERY_SIZE));
        p.setProperty("max.queue.size", Integer.toString(4 * DELIVERY_SIZE));
        p.setProperty("max.queue.size.in.bytes", Long.toString(16L << 20)); // large payloads: fewer records queued
        // The connector hands over a delivery when it is full or when this interval has passed since
        // the engine asked: below a full delivery per interval, every change waits for it. 10 ms
        // instead of 50 cut the median lag at 1,000 events/s from about 64 ms to about 18 ms, for
        // more and smaller read-side transactions at low rates (docs/performance.md).
        p.setProperty("poll.interval.ms", "10");

        // A heartbeat written through the stream keeps the slot moving when agents are idle, and
        // shows on the read side how fresh it is: idle lag stays under this interval.
        p.setProperty("heartbeat.interval.ms", "1000");
        p.setProperty("heartbeat.action.query", "INSERT INTO agent_state_bridge.heartbeat (bridge_name, beat_at, marker) "
                + "VALUES ('" + settings.name() + "', now(), 0) ON CONFLICT (bridge_name) "
                + "DO UPDATE SET beat_at = now(), marker = agent_state_bridge.heartbeat.marker + 1");

        p.setProperty("slot.max.retries", "3");
        p.setProperty("slot.retry.delay.ms", "2000");
        // A lost source connection (restart, failover, network) is retriable: the connector stops its
        // task and starts it again, resuming from the position stored on the read side, for as long
        // as it takes. Waits between attempts double from RECONNECT_INITIAL up to RECONNECT_MAX (the
        // engine does not shrink them again after a recovery), so streaming resumes at most about
        // RECONNECT_MAX after the source is back, and a long outage costs one attempt per RECONNECT_MAX.
        p.setProperty("errors.max.retries", "-1");
        p.setProperty("errors.retry.delay.initial.ms", Long.toString(RECONNECT_INITIAL.toMillis()));
        p.setProperty("errors.retry.delay.max.ms", Long.toString(RECONNECT_MAX.toMillis()));
        // The task also waits this long before each restart (default 10 s); shorter, so that the
        // backoff above decides the pace.
        p.setProperty("retriable.restart.connector.wait.ms", Long.toString(RECONNECT_INITIAL.toMillis()));
        return p;
    }
}
