package io.agentstatebridge.kafkasink;

import io.agentstatebridge.kafkasink.apply.SinkApplier;
import io.agentstatebridge.kafkasink.apply.SinkChange;
import io.agentstatebridge.kafkasink.position.PartitionId;
import io.agentstatebridge.kafkasink.position.SourceSequence;
import io.agentstatebridge.projections.apply.ProjectionApplier;
import io.agentstatebridge.projections.change.Row;
import io.agentstatebridge.projections.change.RowChange;
import io.agentstatebridge.projections.change.SourceTable;
import io.agentstatebridge.projections.schema.SchemaMigrations;
import io.agentstatebridge.projections.testing.PostgresFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Connect's at-least-once delivery can hand the sink twice, applied on a real read side: the
 * same records again (a retry, or two tasks owning a partition during a rebalance), and the same
 * changes under new offsets (the source connector restarted from an older position).
 */
class SinkApplierRedeliveryTest {
    private static final PartitionId P0 = new PartitionId("changes", 0);
    private static final PartitionId P1 = new PartitionId("changes", 1);

    private PGSimpleDataSource readSide;

    @BeforeEach
    void readSide() {
        readSide = new PGSimpleDataSource();
        readSide.setUrl(PostgresFixture.get().createDatabase("sink_redelivery").jdbcUrl());
        SchemaMigrations.migrateReadSide(readSide);
    }

    @Test
    void recordsDeliveredAgainChangeNothingWhicheverTaskGetsThem() throws Exception {
        List<SinkChange> delivery = List.of(
                change(P0, 0, RowChange.insert(SourceTable.AGENT_SESSIONS, session("s1", "a1")), 100, 101),
                change(P0, 1, RowChange.insert(SourceTable.AGENT_EVENTS, event("e1", "a1", "s1", "tool_called")), 100, 102),
                change(P1, 0, RowChange.insert(SourceTable.AGENT_SESSIONS, session("s2", "a2")), 100, 103),
                change(P0, 2, RowChange.insert(SourceTable.AGENT_EVENTS, event("e2", "a1", "s1", "decision_made")), 104, 105));
        SinkApplier first = sink("task-0");
        assertThat(first.apply(delivery)).containsEntry(P0, 3L).containsEntry(P1, 1L);

        // The same records, to the same task (a retry) and to another that was handed the partitions.
        first.apply(delivery);
        assertThat(sink("task-1").apply(delivery)).containsEntry(P0, 3L).containsEntry(P1, 1L);

        assertThat(number("SELECT total_events FROM public.session_summary WHERE session_id = 's1'")).isEqualTo(2);
        assertThat(number("SELECT count(*) FROM public.agent_events")).isEqualTo(2);
        assertThat(sink("task-2").nextOffsets(List.of("changes"))).isEqualTo(Map.of(P0, 3L, P1, 1L));
    }

    @Test
    void changesTheSourceConnectorSendsAgainNeverMoveARowBack() throws Exception {
        SinkApplier sink = sink("task-0");
        sink.apply(List.of(
                change(P0, 0, RowChange.insert(SourceTable.AGENT_SESSIONS, session("s1", "a1")), 100, 101),
                change(P0, 1, RowChange.insert(SourceTable.AGENT_EVENTS, event("e1", "a1", "s1", "tool_called")), 100, 102),
                change(P0, 2, RowChange.update(SourceTable.AGENT_EVENTS, event("e1", "a1", "s1", "decision_made")), 110, 111)));

        // Restarted from an older stored position, the connector sends the insert again, at a new offset.
        assertThat(sink.apply(List.of(
                change(P0, 3, RowChange.insert(SourceTable.AGENT_EVENTS, event("e1", "a1", "s1", "tool_called")), 100, 102))))
                .containsEntry(P0, 4L);

        assertThat(text("SELECT event_type FROM public.agent_events WHERE event_id = 'e1'")).isEqualTo("decision_made");
        assertThat(number("SELECT decisions FROM public.session_summary WHERE session_id = 's1'")).isEqualTo(1);
        assertThat(number("SELECT tool_calls FROM public.session_summary WHERE session_id = 's1'")).isZero();

        // What follows the replayed part is applied as usual.
        sink.apply(List.of(change(P0, 4, RowChange.delete(SourceTable.AGENT_EVENTS, event("e1", "a1", "s1", "decision_made")), 120, 121)));
        assertThat(number("SELECT count(*) FROM public.agent_events")).isZero();
    }

    @Test
    void aChangeReSentWithinTheSameDeliveryIsSkippedToo() throws Exception {
        SinkApplier sink = sink("task-0");
        assertThat(sink.apply(List.of(
                change(P0, 0, RowChange.insert(SourceTable.AGENT_SESSIONS, session("s1", "a1")), 100, 101),
                change(P0, 1, RowChange.insert(SourceTable.AGENT_EVENTS, event("e1", "a1", "s1", "tool_called")), 100, 102),
                change(P0, 2, RowChange.update(SourceTable.AGENT_EVENTS, event("e1", "a1", "s1", "decision_made")), 110, 111),
                // the connector restarted and sent the insert again before anything was applied
                change(P0, 3, RowChange.insert(SourceTable.AGENT_EVENTS, event("e1", "a1", "s1", "tool_called")), 100, 102))))
                .containsEntry(P0, 4L);

        assertThat(text("SELECT event_type FROM public.agent_events WHERE event_id = 'e1'")).isEqualTo("decision_made");

        // The stored sequence did not go back to the re-sent change's: the update, re-sent next, is skipped.
        sink.apply(List.of(change(P0, 4, RowChange.update(SourceTable.AGENT_EVENTS, event("e1", "a1", "s1", "decision_made")), 110, 111),
                change(P0, 5, RowChange.update(SourceTable.AGENT_EVENTS, event("e1", "a1", "s1", "task_completed")), 120, 121)));
        assertThat(text("SELECT event_type FROM public.agent_events WHERE event_id = 'e1'")).isEqualTo("task_completed");
        assertThat(number("SELECT total_events FROM public.session_summary WHERE session_id = 's1'")).isEqualTo(1);
    }

    @Test
    void aSnapshotSentAgainOverwritesRowsInsteadOfFailing() throws Exception {
        SinkApplier sink = sink("task-0");
        sink.apply(List.of(
                change(P0, 0, RowChange.insert(SourceTable.AGENT_SESSIONS, session("s1", "a1")), 100, 101),
                change(P0, 1, RowChange.insert(SourceTable.AGENT_EVENTS, event("e1", "a1", "s1", "tool_called")), 100, 102)));

        // Snapshot reads carry no sequence: an insert of a key the read side holds, read as the row's state.
        SinkChange snapshotRead = new SinkChange(P0, 2, RowChange.insert(SourceTable.AGENT_EVENTS,
                event("e1", "a1", "s1", "decision_made")), null, 0, null, null);
        assertThat(sink.apply(List.of(snapshotRead))).containsEntry(P0, 3L);

        assertThat(text("SELECT event_type FROM public.agent_events WHERE event_id = 'e1'")).isEqualTo("decision_made");
        assertThat(number("SELECT total_events FROM public.session_summary WHERE session_id = 's1'")).isEqualTo(1);
        assertThat(number("SELECT tool_calls FROM public.session_summary WHERE session_id = 's1'")).isZero();
    }

    private SinkApplier sink(String applierName) throws SQLException {
        return new SinkApplier(readSide, ProjectionApplier.takeOver(readSide, applierName), "source-a");
    }

    private static SinkChange change(PartitionId partition, long offset, RowChange change, long commitLsn, long changeLsn) {
        return new SinkChange(partition, offset, change, new SourceSequence(commitLsn, changeLsn), changeLsn, null, 7L);
    }

    private static Row session(String id, String agent) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("session_id", id);
        values.put("agent_id", agent);
        values.put("user_id", null);
        values.put("agent_type", "coder");
        values.put("started_at", "2026-01-01 10:00:00+00");
        values.put("metadata", null);
        return Row.of(values);
    }

    private static Row event(String id, String agent, String session, String type) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("event_id", id);
        values.put("agent_id", agent);
        values.put("session_id", session);
        values.put("event_type", type);
        values.put("payload", "{\"token_count\": 5}");
        values.put("created_at", "2026-01-01 10:00:01+00");
        return Row.of(values);
    }

    private long number(String sql) throws SQLException {
        return Long.parseLong(text(sql));
    }

    private String text(String sql) throws SQLException {
        try (Connection connection = readSide.getConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            assertThat(rs.next()).as("a row for " + sql).isTrue();
            return rs.getString(1);
        }
    }
}
