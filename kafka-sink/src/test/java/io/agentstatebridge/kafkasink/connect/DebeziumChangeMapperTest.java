package io.agentstatebridge.kafkasink.connect;

import io.agentstatebridge.kafkasink.apply.SinkChange;
import io.agentstatebridge.kafkasink.position.SourceSequence;
import io.agentstatebridge.projections.change.Operation;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Change events in the shape Debezium's PostgreSQL connector gives them once a JSON converter with
 * schemas has read them back (KafkaSinkIT runs the real connector; these pin down the edge cases).
 */
class DebeziumChangeMapperTest {
    private static final String PLACEHOLDER = SinkSettings.DEBEZIUM_PLACEHOLDER;
    private static final Schema EVENT = SchemaBuilder.struct().name("agent_state_bridge.public.agent_events.Value").optional()
            .field("event_id", Schema.STRING_SCHEMA)
            .field("agent_id", Schema.STRING_SCHEMA)
            .field("session_id", Schema.STRING_SCHEMA)
            .field("event_type", Schema.STRING_SCHEMA)
            .field("payload", SchemaBuilder.string().name("io.debezium.data.Json").optional().build())
            .field("created_at", SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").build())
            .build();
    private static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
            .field("schema", Schema.STRING_SCHEMA)
            .field("table", Schema.STRING_SCHEMA)
            .field("snapshot", Schema.OPTIONAL_STRING_SCHEMA)
            .field("ts_ms", Schema.INT64_SCHEMA)
            .field("txId", Schema.OPTIONAL_INT64_SCHEMA)
            .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
            .field("sequence", Schema.OPTIONAL_STRING_SCHEMA)
            .build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().name("agent_state_bridge.public.agent_events.Envelope")
            .field("before", EVENT)
            .field("after", EVENT)
            .field("source", SOURCE)
            .field("op", Schema.STRING_SCHEMA)
            .build();

    private final DebeziumChangeMapper mapper = new DebeziumChangeMapper(PLACEHOLDER);

    @Test
    void anUpdateThatChangedThePrimaryKeyMovesTheRowAndKeepsItsUnchangedValues() {
        SinkChange change = mapper.toChange(record("u", event("e1", "{\"token_count\": 3}"), event("e2", PLACEHOLDER), "false"));

        assertThat(change.change().operation()).isEqualTo(Operation.UPDATE);
        assertThat(change.change().previousKey()).isEqualTo("e1");
        assertThat(change.change().key()).isEqualTo("e2");
        assertThat(change.change().after().isUnchanged("payload")).isTrue();
        assertThat(change.agentId()).isEqualTo("a1");
    }

    @Test
    void timestampsBecomePostgresInputEvenBeforeTheCommonEra() {
        Struct after = event("e1", null);
        after.put("created_at", "-0043-03-15T12:00:00Z");

        SinkChange change = mapper.toChange(record("c", null, after, "false"));

        assertThat(change.change().after().get("created_at")).isEqualTo("0044-03-15 12:00:00+00 BC");
    }

    @Test
    void streamedChangesCarryTheirSequenceAndSnapshotReadsDoNot() {
        SinkChange streamed = mapper.toChange(record("c", null, event("e1", null), "false"));
        SinkChange snapshotRead = mapper.toChange(record("r", null, event("e1", null), "last"));

        assertThat(streamed.sequence()).isEqualTo(new SourceSequence(100, 205));
        assertThat(streamed.lsn()).isEqualTo(205);
        assertThat(streamed.txId()).isEqualTo(42L);
        assertThat(snapshotRead.sequence()).isNull();
        assertThat(snapshotRead.change().operation()).isEqualTo(Operation.INSERT);
    }

    @Test
    void aTombstoneOnlyMovesThePartitionsPosition() {
        SinkChange change = mapper.toChange(new SinkRecord("changes", 3, null, null, null, null, 17));

        assertThat(change.change()).isNull();
        assertThat(change.offset()).isEqualTo(17);
    }

    @Test
    void truncateIsRefusedWithWhatToDoInstead() {
        assertThatThrownBy(() -> mapper.toChange(record("t", null, null, "false")))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("TRUNCATE of public.agent_events")
                .hasMessageContaining("skipped.operations=t");
    }

    @Test
    void valuesWithoutSchemasAreRefusedWithTheConverterToSet() {
        SinkRecord schemaless = new SinkRecord("changes", 0, null, null, null, Map.of("op", "c"), 5);

        assertThatThrownBy(() -> mapper.toChange(schemaless))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("value.converter.schemas.enable=true");
    }

    private static SinkRecord record(String op, Struct before, Struct after, String snapshot) {
        Struct source = new Struct(SOURCE)
                .put("schema", "public").put("table", "agent_events").put("snapshot", snapshot)
                .put("ts_ms", 1_767_225_600_000L).put("txId", 42L).put("lsn", 205L).put("sequence", "[\"100\",\"205\"]");
        Struct envelope = new Struct(ENVELOPE).put("before", before).put("after", after).put("source", source).put("op", op);
        return new SinkRecord("changes", 0, null, null, ENVELOPE, envelope, 9);
    }

    private static Struct event(String id, String payload) {
        return new Struct(EVENT).put("event_id", id).put("agent_id", "a1").put("session_id", "s1")
                .put("event_type", "tool_called").put("payload", payload).put("created_at", "2026-01-01T10:00:00Z");
    }
}
