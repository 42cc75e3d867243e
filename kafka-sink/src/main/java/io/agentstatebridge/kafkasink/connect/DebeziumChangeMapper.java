package io.agentstatebridge.kafkasink.connect;

import io.agentstatebridge.kafkasink.apply.SinkChange;
import io.agentstatebridge.kafkasink.position.PartitionId;
import io.agentstatebridge.kafkasink.position.SourceSequence;
import io.agentstatebridge.projections.change.PgTimestamp;
import io.agentstatebridge.projections.change.Row;
import io.agentstatebridge.projections.change.RowChange;
import io.agentstatebridge.projections.change.SourceTable;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads the change events Debezium's PostgreSQL connector writes (envelope with before, after, op and
 * source), as a Struct: the worker's value converter must keep schemas (JsonConverter with
 * schemas.enable=true, or Avro/Protobuf with a registry), because timestamps are told apart from
 * text by their schema name.
 */
final class DebeziumChangeMapper {
    private static final String ZONED_TIMESTAMP = "io.debezium.time.ZonedTimestamp";

    private final String unchangedPlaceholder;

    DebeziumChangeMapper(String unchangedPlaceholder) {
        this.unchangedPlaceholder = unchangedPlaceholder;
    }

    SinkChange toChange(SinkRecord record) {
        PartitionId partition = new PartitionId(record.topic(), record.kafkaPartition());
        long offset = record.kafkaOffset();
        if (record.value() == null) {
            return new SinkChange(partition, offset, null, null, 0, null, null); // a tombstone: nothing to change
        }
        if (!(record.value() instanceof Struct value)) {
            throw new DataException("record " + partition + "@" + offset + " has no schema (a " + record.value().getClass().getSimpleName()
                    + "): set value.converter=org.apache.kafka.connect.json.JsonConverter with value.converter.schemas.enable=true "
                    + "on the source and the sink connector, so that timestamps keep their type");
        }
        if (value.schema().field("op") == null || value.schema().field("source") == null) {
            throw new DataException("record " + partition + "@" + offset + " is not a Debezium change event (no op or source): "
                    + "subscribe the sink to the tables' change topics only, not to heartbeat or transaction topics");
        }
        String op = value.getString("op");
        Struct source = value.getStruct("source");
        if ("m".equals(op)) {
            return new SinkChange(partition, offset, null, null, 0, null, null); // a logical decoding message
        }
        SourceTable table = SourceTable.byQualifiedName(source.getString("schema"), source.getString("table"))
                .orElseThrow(() -> new DataException("change for " + source.getString("schema") + "." + source.getString("table")
                        + ", a table the projections do not read: limit the source connector's table.include.list to "
                        + "public.agent_events,public.agent_sessions"));
        RowChange change = switch (op) {
            case "c", "r" -> RowChange.insert(table, row(value.getStruct("after"), false));
            case "u" -> update(table, value.getStruct("before"), value.getStruct("after"));
            case "d" -> RowChange.delete(table, row(value.getStruct("before"), false));
            case "t" -> throw new DataException("TRUNCATE of " + table.qualifiedName() + " at " + partition + "@" + offset
                    + ": with changes split by agent across partitions, no partition can tell which other agents' rows it "
                    + "removes at that point of their streams. Rebuild the read side instead (drop the sink's positions and "
                    + "re-snapshot), and keep skipped.operations=t on the source connector");
            default -> throw new DataException("unknown change operation '" + op + "' at " + partition + "@" + offset);
        };
        // Snapshot reads ("true", "first", "last", ...) share the snapshot's one position: no sequence.
        Object snapshotMark = source.schema().field("snapshot") == null ? null : source.get("snapshot");
        boolean snapshot = snapshotMark != null && !"false".equals(snapshotMark.toString());
        return new SinkChange(partition, offset, change, snapshot ? null : sequence(source), longOrZero(source, "lsn"),
                instant(source), source.schema().field("txId") == null ? null : source.getInt64("txId"));
    }

    /**
     * An UPDATE; one that changed the primary key carries the old key in {@code before} (the record's
     * own key, the agent, did not change, so the connector sends one event rather than a delete and a create).
     */
    private RowChange update(SourceTable table, Struct before, Struct after) {
        Row newRow = row(after, true);
        if (before != null) {
            Object oldKey = before.get(table.keyColumn());
            if (oldKey != null && !oldKey.toString().equals(newRow.get(table.keyColumn()))) {
                return RowChange.keyChange(table, row(before, false), newRow);
            }
        }
        return RowChange.update(table, newRow);
    }

    /** Debezium's "sequence": ["commit lsn before this transaction", "this change's lsn"], as a JSON array of strings. */
    private static SourceSequence sequence(Struct source) {
        if (source.schema().field("sequence") == null || source.getString("sequence") == null) {
            return null;
        }
        String text = source.getString("sequence").replaceAll("[\\[\\]\" ]", "");
        String[] parts = text.split(",", -1);
        if (parts.length != 2 || parts[1].isEmpty() || "null".equals(parts[1])) {
            return null;
        }
        long commit = parts[0].isEmpty() || "null".equals(parts[0]) ? 0 : Long.parseLong(parts[0]);
        return new SourceSequence(commit, Long.parseLong(parts[1]));
    }

    private static long longOrZero(Struct struct, String field) {
        return struct.schema().field(field) != null && struct.get(field) instanceof Long value ? value : 0L;
    }

    private static Instant instant(Struct source) {
        return source.schema().field("ts_ms") != null && source.get("ts_ms") instanceof Long millis ? Instant.ofEpochMilli(millis) : null;
    }

    /**
     * Every column the event carries; columns added on the source later ride along unused, since the
     * projections read only the columns {@link SourceTable} declares.
     */
    private Row row(Struct struct, boolean mayOmitUnchanged) {
        Map<String, String> values = new LinkedHashMap<>();
        Set<String> unchanged = new HashSet<>();
        for (Field field : struct.schema().fields()) {
            Object value = struct.get(field);
            if (mayOmitUnchanged && unchangedPlaceholder.equals(value)) {
                unchanged.add(field.name());
                values.put(field.name(), null);
            } else if (value != null && ZONED_TIMESTAMP.equals(field.schema().name())) {
                // ISO-8601 for BC or five-digit years is not PostgreSQL's input syntax; this is.
                values.put(field.name(), PgTimestamp.postgresText(value.toString()));
            } else {
                values.put(field.name(), value == null ? null : value.toString());
            }
        }
        return new Row(values, unchanged);
    }
}
