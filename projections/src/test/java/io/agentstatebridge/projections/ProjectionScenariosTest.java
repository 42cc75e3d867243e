package io.agentstatebridge.projections;

import io.agentstatebridge.projections.apply.ReadSideTransaction;
import io.agentstatebridge.projections.change.ChangeBatch;
import io.agentstatebridge.projections.change.Row;
import io.agentstatebridge.projections.change.RowChange;
import io.agentstatebridge.projections.change.SourcePosition;
import io.agentstatebridge.projections.change.SourceTable;
import io.agentstatebridge.projections.testing.ProjectionHarness;
import io.agentstatebridge.projections.testing.RecordingSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProjectionScenariosTest {
    private ProjectionHarness harness;
    private RecordingSource source;

    @BeforeEach
    void setUp() throws SQLException {
        harness = new ProjectionHarness("scenarios");
        source = harness.source();
    }

    @AfterEach
    void tearDown() throws SQLException {
        harness.close();
    }

    /**
     * Applied again after its commit succeeded unseen, a batch of inserts finds its keys taken: the
     * transaction that took inserted keys to be new fails whole, and applying it looking up every key
     * changes nothing, counts nothing twice.
     */
    @Test
    void insertsTakenToBeNewFailWholeWhenTheirKeysExistAndApplyExactlyWhenLookedUp() throws SQLException {
        source.insertSession("s1", "a1", null, "coder", "2026-01-01T09:00:00Z");
        source.insertEvent("e1", "a1", "s1", "tool_called", "{\"token_count\": 5}", "2026-01-01T10:00:00Z");
        List<RowChange> batch = source.drain();
        harness.apply(batch);

        assertThatThrownBy(() -> {
            try (ReadSideTransaction transaction = harness.applier().begin(true)) {
                transaction.apply(batch);
            }
        }).isInstanceOf(SQLException.class).hasMessageContaining("duplicate key");
        harness.apply(batch);
        assertThat(queryTarget("SELECT total_events || ' ' || total_tokens_used FROM session_summary")).containsExactly("1 5");
        harness.assertReadSideMatchesDefinitions("after applying a batch twice");
    }

    @Test
    void agentWithEventsOnlyInUnknownSessionsHasNoCurrentStateUntilTheSessionArrives() throws SQLException {
        source.insertEvent("e1", "a1", "s1", "message_received", "{\"token_count\": 5}", "2026-01-01T10:00:00Z");
        harness.applyRecorded();
        assertThat(queryTarget("SELECT count(*) FROM agent_current_state")).containsExactly("0");

        source.insertSession("s1", "a1", "u1", "support", "2026-01-01T09:59:00Z");
        harness.applyRecorded();
        assertThat(queryTarget("SELECT agent_id || ' ' || last_event_type || ' ' || agent_type FROM agent_current_state"))
                .containsExactly("a1 message_received support");
        harness.assertReadSideMatchesDefinitions("after the late session");
    }

    @Test
    void sessionUpdatesShowUpInCurrentState() throws SQLException {
        source.insertSession("s1", "a1", "u1", "support", "2026-01-01T09:59:00Z");
        source.insertEvent("e1", "a1", "s1", "tool_called", null, "2026-01-01T10:00:00Z");
        harness.applyRecorded();
        source.updateSession("s1", "user_id", "u2");
        harness.applyRecorded();
        assertThat(queryTarget("SELECT user_id FROM agent_current_state WHERE agent_id = 'a1'")).containsExactly("u2");
    }

    @Test
    void tiesOnCreatedAtGoToTheGreatestEventId() throws SQLException {
        source.insertSession("s1", "a1", null, "coder", "2026-01-01T09:00:00Z");
        source.insertEvent("e-b", "a1", "s1", "decision_made", null, "2026-01-01T10:00:00.000001Z");
        source.insertEvent("e-c", "a1", "s1", "tool_called", null, "2026-01-01T10:00:00.000001Z");
        source.insertEvent("e-a", "a1", "s1", "error_occurred", null, "2026-01-01T10:00:00.000001Z");
        harness.applyRecorded();
        assertThat(queryTarget("SELECT last_event_type FROM agent_current_state")).containsExactly("tool_called");
        harness.assertReadSideMatchesDefinitions("after tied events");
    }

    @Test
    void movingAnEventToAnotherSessionRetractsItFromTheOldGroup() throws SQLException {
        source.insertEvent("e1", "a1", "s1", "decision_made", "{\"token_count\": 7}", "2026-01-01T10:00:00Z");
        source.insertEvent("e2", "a1", "s1", "decision_made", "{\"token_count\": 3}", "2026-01-01T10:05:00Z");
        harness.applyRecorded();
        source.updateEvent("e2", "session_id", "s2", false);
        harness.applyRecorded();
        assertThat(queryTarget("SELECT session_id || ' ' || total_events || ' ' || total_tokens_used || ' ' || session_duration "
                + "FROM session_summary ORDER BY session_id"))
                .containsExactly("s1 1 7 00:00:00", "s2 1 3 00:00:00");
        assertThat(queryTarget("SELECT session_id || ' ' || decisions_made || ' ' || last_decision_at::text "
                + "FROM agent_task_progress ORDER BY session_id"))
                .containsExactly("s1 1 2026-01-01 10:00:00+00", "s2 1 2026-01-01 10:05:00+00");
        harness.assertReadSideMatchesDefinitions("after moving an event");
    }

    @Test
    void deletingTheLastEventOfAGroupRemovesTheGroup() throws SQLException {
        source.insertEvent("e1", "a1", "s1", "session_ended", null, "2026-01-01T10:00:00Z");
        harness.applyRecorded();
        source.deleteEvent("e1");
        harness.applyRecorded();
        assertThat(queryTarget("SELECT count(*) FROM session_summary")).containsExactly("0");
        assertThat(queryTarget("SELECT count(*) FROM agent_task_progress")).containsExactly("0");
    }

    @Test
    void anUnchangedToastedPayloadKeepsItsValue() throws SQLException {
        String large = "{\"token_count\": 11, \"text\": \"" + "y".repeat(20_000) + "\"}";
        source.insertSession("s1", "a1", null, "coder", "2026-01-01T09:00:00Z");
        source.insertEvent("e1", "a1", "s1", "message_received", large, "2026-01-01T10:00:00Z");
        harness.applyRecorded();
        source.updateEvent("e1", "event_type", "tool_called", true);
        harness.applyRecorded();
        assertThat(queryTarget("SELECT length(payload::text) > 20000 FROM agent_events")).containsExactly("t");
        harness.assertReadSideMatchesDefinitions("after an update that left the payload out");
    }

    @Test
    void truncatingSessionsEmptiesCurrentStateButKeepsSummaries() throws SQLException {
        source.insertSession("s1", "a1", null, "coder", "2026-01-01T09:00:00Z");
        source.insertEvent("e1", "a1", "s1", "message_received", null, "2026-01-01T10:00:00Z");
        source.truncate(SourceTable.AGENT_SESSIONS);
        harness.applyRecorded();
        assertThat(queryTarget("SELECT count(*) FROM agent_current_state")).containsExactly("0");
        assertThat(queryTarget("SELECT count(*) FROM session_summary")).containsExactly("1");
        harness.assertReadSideMatchesDefinitions("after truncating sessions");
    }

    @Test
    void reapplyingABatchThatAlreadyLandedChangesNothing() throws SQLException {
        source.insertSession("s1", "a1", null, "coder", "2026-01-01T09:00:00Z");
        source.insertEvent("e1", "a1", "s1", "message_received", "{\"token_count\": 4}", "2026-01-01T10:00:00Z");
        source.insertEvent("e2", "a1", "s1", "tool_called", null, "2026-01-01T10:01:00Z");
        List<RowChange> batch = source.drain();
        harness.apply(batch);
        harness.apply(batch);
        assertThat(queryTarget("SELECT total_events || ' ' || total_tokens_used FROM session_summary")).containsExactly("2 4");
        harness.assertReadSideMatchesDefinitions("after a replayed batch");
    }

    @Test
    void aTokenCountTheDefinitionCannotCastCountsAsZeroAndIsRecorded() throws SQLException {
        // Only a write side without our validation can hold such a row, so feed the change directly.
        Map<String, String> event = new LinkedHashMap<>();
        event.put("event_id", "e1");
        event.put("agent_id", "a1");
        event.put("session_id", "s1");
        event.put("event_type", "message_received");
        event.put("payload", "{\"token_count\": \"many\"}");
        event.put("created_at", "2026-01-01T10:00:00Z");
        var result = harness.apply(List.of(RowChange.insert(SourceTable.AGENT_EVENTS, Row.of(event))));

        assertThat(result.rejectedRows()).isEqualTo(1);
        assertThat(queryTarget("SELECT total_events || ' ' || total_tokens_used FROM session_summary")).containsExactly("1 0");
        assertThat(queryTarget("SELECT row_key || ' ' || (row_data ->> 'token_count') FROM agent_state_bridge.rejected_rows"))
                .containsExactly("e1 many");
    }

    @Test
    void tokenCountsOnlyPostgresCanJudgeAreCountedByItsOwnCast() throws SQLException {
        source.insertEvent("e1", "a1", "s1", "message_received", "{\"token_count\": \"0x1F\"}", "2026-01-01T10:00:00Z");
        source.insertEvent("e2", "a1", "s1", "message_received", "{\"token_count\": \"1_000\"}", "2026-01-01T10:01:00Z");
        source.insertEvent("e3", "a1", "s1", "message_received", "{\"token_count\": 5}", "2026-01-01T10:02:00Z");
        harness.applyRecorded();
        assertThat(queryTarget("SELECT total_tokens_used FROM session_summary")).containsExactly("1036");
        harness.assertReadSideMatchesDefinitions("after hexadecimal and underscored token counts");
    }

    @Test
    void theBatchPositionIsStoredWithTheData() throws SQLException {
        source.insertEvent("e1", "a1", "s1", "message_received", null, "2026-01-01T10:00:00Z");
        harness.applyRecorded();
        assertThat(queryTarget("SELECT source_offset || ' ' || lsn || ' ' || changes_applied FROM agent_state_bridge.source_position"))
                .containsExactly("{\"batch\":1} 0/1 1");
    }

    @Test
    void aLoadReplacesWhatTheReadSideHeldAndComputesTheProjectionsFromTheDefinitions() throws SQLException {
        source.insertSession("stale", "a9", null, "coder", "2026-01-01T09:00:00Z");
        harness.applyRecorded();
        source.deleteSession("stale");
        source.drain(); // the read side never hears of this delete: only a load of the source can fix it

        source.insertEvent("e1", "a1", "s1", "message_received", "{\"token_count\": 3}", "2026-01-01T10:00:00Z");
        source.insertEvent("e2", "a1", "s1", "decision_made", "{\"token_count\": \" 4\"}", "2026-01-01T10:01:00Z");
        source.insertSession("s1", "a1", "u1", "support", "2026-01-01T09:00:00Z");
        source.drain();

        harness.loadFromSource(new SourcePosition("{\"lsn\":9}", 9, null));
        assertThat(queryTarget("SELECT agent_id || ' ' || agent_type FROM agent_current_state")).containsExactly("a1 support");
        harness.assertReadSideMatchesDefinitions("after the load");
    }

    /** On a write side without our validation, the definition cannot cast such a token count; the bridge counts 0. */
    @Test
    void aLoadCountsATokenCountTheDefinitionCannotCastAsZeroAndListsTheRow() throws SQLException {
        try (Statement statement = harness.sourceConnection().createStatement()) {
            statement.execute("DROP TRIGGER agent_events_validate ON agent_events");
        }
        source.insertEvent("e1", "a1", "s1", "message_received", "{\"token_count\": 3}", "2026-01-01T10:00:00Z");
        source.insertEvent("e2", "a1", "s1", "tool_called", "{\"token_count\": \"x\"}", "2026-01-01T10:01:00Z");
        source.drain();

        harness.loadFromSource(new SourcePosition("{\"lsn\":9}", 9, null));
        assertThat(queryTarget("SELECT total_events || ' ' || total_tokens_used FROM session_summary")).containsExactly("2 3");
        assertThat(queryTarget("SELECT row_key FROM agent_state_bridge.rejected_rows")).containsExactly("e2");
    }

    private List<String> queryTarget(String sql) throws SQLException {
        try (Connection connection = harness.target().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("SET TimeZone = 'UTC'");
            try (ResultSet rs = statement.executeQuery(sql)) {
                List<String> values = new java.util.ArrayList<>();
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
                return values;
            }
        }
    }
}
