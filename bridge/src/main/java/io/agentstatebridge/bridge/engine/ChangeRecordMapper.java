package io.agentstatebridge.bridge.engine;

import io.agentstatebridge.projections.change.Operation;
import io.agentstatebridge.projections.change.PgTimestamp;
import io.agentstatebridge.projections.change.Row;
import io.agentstatebridge.projections.change.RowChange;
import io.agentstatebridge.projections.change.SourcePosition;
import io.agentstatebridge.projections.change.SourceTable;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Translates the connector's records into the projections' vocabulary. */
final class ChangeRecordMapper {
    /** What the connector sends in place of a TOASTed value an UPDATE did not change. */
    static final String UNCHANGED_PLACEHOLDER = "__agent_state_bridge_unchanged_toast__";
    static final String HEARTBEAT_TOPIC_PREFIX = "__debezium-heartbeat";
    static final String TRANSACTION_TOPIC = ConnectorProperties.TOPIC_PREFIX + ".transaction";

    /** Where a record sits relative to source transactions. */
    enum TransactionMarker { BEGIN, END, NONE }
    /** Header the connector puts on the DELETE half of a primary-key change. */
    static final String NEW_KEY_HEADER = "__debezium.newkey";

    private static final Logger LOG = LoggerFactory.getLogger(ChangeRecordMapper.class);
    private static final String ZONED_TIMESTAMP = "io.debezium.time.ZonedTimestamp";

    private final JsonConverter offsetConverter = new JsonConverter();
    private long ignoredMessages;

    ChangeRecordMapper() {
        // The engine serialises offsets exactly like this; resuming reads them back the same way.
        offsetConverter.configure(Map.of(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, "false"), false);
    }

    /**
     * The row change a record describes; empty for heartbeats, transaction markers, tombstones and
     * logical decoding messages (anyone may emit those on the source; they change no table).
     */
    Optional<RowChange> toChange(SourceRecord record) {
        if (!isTableChange(record)) {
            return Optional.empty();
        }
        Struct value = (Struct) record.value();
        Struct source = value.getStruct("source");
        SourceTable table = SourceTable.byQualifiedName(source.getString("schema"), source.getString("table"))
                .orElseThrow(() -> new IllegalStateException("change for a table outside the publication's scope: "
                        + source.getString("schema") + "." + source.getString("table")));
        String op = value.getString("op");
        return Optional.of(switch (op) {
            case "c" -> RowChange.insert(table, row(value.getStruct("after"), false));
            case "u" -> RowChange.update(table, row(value.getStruct("after"), true));
            case "m" -> throw new IllegalStateException("a logical decoding message where a table change was expected");
            case "d" -> RowChange.delete(table, row(value.getStruct("before"), false));
            case "t" -> RowChange.truncate(table);
            default -> throw new IllegalStateException("unknown change operation '" + op + "' on " + table.qualifiedName());
        });
    }

    /**
     * The two records the connector makes of one UPDATE that changed a row's key, as one change:
     * the row that was under the old key now lives under the new one. Values PostgreSQL left out
     * of the new row because they did not change (large, out-of-line ones) are marked unchanged:
     * they are the old row's, which the applier knows.
     */
    RowChange keyChange(SourceRecord deleteHalf, SourceRecord insertHalf) {
        Struct before = ((Struct) deleteHalf.value()).getStruct("before");
        Struct insert = (Struct) insertHalf.value();
        RowChange inserted = toChange(insertHalf).orElseThrow();
        return RowChange.keyChange(inserted.table(), row(before, false), row(insert.getStruct("after"), true));
    }

    /** True for records that change a table (snapshot reads included). */
    boolean isTableChange(SourceRecord record) {
        if (!isRowChange(record) || !(record.value() instanceof Struct value)) {
            return false;
        }
        if (value.schema().field("op") == null || "m".equals(value.getString("op"))) {
            if (ignoredMessages++ % 10_000 == 0) {
                LOG.info("ignoring a logical decoding message emitted on the source (topic {}): it changes no table the "
                        + "bridge reads ({} ignored so far)", record.topic(), ignoredMessages);
            }
            return false;
        }
        return true;
    }

    TransactionMarker transactionMarker(SourceRecord record) {
        if (!TRANSACTION_TOPIC.equals(record.topic()) || !(record.value() instanceof Struct value)) {
            return TransactionMarker.NONE;
        }
        return "BEGIN".equals(value.getString("status")) ? TransactionMarker.BEGIN : TransactionMarker.END;
    }

    /** True for the DELETE half of a primary-key change: its INSERT half follows at the same offset. */
    boolean isFirstHalfOfKeyChange(SourceRecord record) {
        return record.headers().lastWithName(NEW_KEY_HEADER) != null;
    }

    /** The WAL position in {@code record}'s offset (a transaction END's: its commit); 0 when it has none. */
    long lsn(SourceRecord record) {
        return record.sourceOffset().get("lsn") instanceof Number n ? n.longValue() : 0L;
    }

    /** Where {@code record} leaves the stream, as the bridge stores it (see {@link ResumeOffsets}). */
    SourcePosition position(SourceRecord record) {
        Map<String, ?> offset = ResumeOffsets.of(record.sourceOffset());
        String json = new String(offsetConverter.fromConnectData("", null, offset), StandardCharsets.UTF_8);
        long lsn = offset.get("lsn") instanceof Number n ? n.longValue() : 0L;
        return new SourcePosition(json, lsn, sourceTime(record));
    }

    private static Instant sourceTime(SourceRecord record) {
        if (!(record.value() instanceof Struct value)) {
            return null;
        }
        if (!isRowChange(record)) {
            Object ts = value.schema().field("ts_ms") == null ? null : value.get("ts_ms");
            return ts instanceof Long millis ? Instant.ofEpochMilli(millis) : null;
        }
        Struct source = value.getStruct("source");
        Object ts = source == null ? null : source.get("ts_ms");
        return ts instanceof Long millis ? Instant.ofEpochMilli(millis) : null;
    }

    private static boolean isRowChange(SourceRecord record) {
        return !isHeartbeat(record) && !TRANSACTION_TOPIC.equals(record.topic());
    }

    private static boolean isHeartbeat(SourceRecord record) {
        return record.topic() != null && record.topic().startsWith(HEARTBEAT_TOPIC_PREFIX);
    }

    /**
     * Every column the record carries, including columns added on the source after the read side
     * was set up: they ride along unused, because replicas and projections read only the columns
     * {@link SourceTable} declares. So adding a column to a source table needs no action here.
     */
    private static Row row(Struct struct, boolean mayOmitUnchanged) {
        Map<String, String> values = new LinkedHashMap<>();
        Set<String> unchanged = new HashSet<>();
        for (Field field : struct.schema().fields()) {
            Object value = struct.get(field);
            if (mayOmitUnchanged && UNCHANGED_PLACEHOLDER.equals(value)) {
                unchanged.add(field.name());
                values.put(field.name(), null);
            } else if (value != null && ZONED_TIMESTAMP.equals(field.schema().name())) {
                // ISO-8601 as the connector writes it ("-0043-03-15T12:00:00Z", "+12345-...") is not
                // PostgreSQL's input syntax for BC or five-digit years; this is.
                values.put(field.name(), PgTimestamp.postgresText(value.toString()));
            } else {
                values.put(field.name(), value == null ? null : value.toString());
            }
        }
        return new Row(values, unchanged);
    }
}
