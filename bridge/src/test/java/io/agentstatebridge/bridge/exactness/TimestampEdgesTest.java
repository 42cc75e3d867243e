package io.agentstatebridge.bridge.exactness;

import io.agentstatebridge.bridge.testing.TwoServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every timestamptz the source accepts arrives as it is: infinities, years past 9999, BC dates,
 * the extremes of the type, microseconds, offsets with seconds (local mean time). Each as a
 * session's started_at, and as the created_at of two events of one agent in two sessions (a tie
 * the current state breaks by event_id), each session also holding an ordinary event.
 *
 * <p>Both servers run PostgreSQL 17 here: session_summary's definition computes MAX(created_at) -
 * MIN(created_at), which fails on the source itself for an infinite created_at before 17 ("cannot
 * subtract infinite timestamps"), and only 17 has the infinite interval it yields. A group whose
 * every created_at is the same infinity fails on 17 too, so each group also has an ordinary one.
 * Our write side's validation rejects an infinite created_at for these reasons
 * ({@link #ourWriteSideRejectsAnInfiniteCreatedAt}); the edges are streamed from a write side
 * without it, as a write side created by hand may be.
 *
 * <p>Issue 10, item 7.
 */
class TimestampEdgesTest {
    private static TwoServers servers;

    @BeforeAll
    static void startServers() {
        servers = TwoServers.start(17, 17);
    }

    @AfterAll
    static void stopServers() {
        servers.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"infinity", "-infinity", "12345-06-07 08:09:10.123456+00", "294276-12-31 23:59:59.999999+00",
            "0044-03-15 12:00:00+00 BC", "4714-11-24 00:00:00+00 BC", "0001-01-01 00:00:00+00", "9999-12-31 23:59:59.999999+00",
            "2026-01-01 00:00:00.000001+00", "1883-11-18 12:00:00 America/New_York", "1900-01-01 00:00:00+05:53:28"})
    void aTimestampAtTheEdgeArrivesAsItIs(String timestamp) throws Exception {
        try (StreamedBridge bridge = StreamedBridge.start(servers.databases("timestamp_edge"), 64)) {
            bridge.onSource(List.of(
                    "DROP TRIGGER agent_events_validate ON agent_events",
                    "INSERT INTO agent_sessions (session_id, agent_id, agent_type, started_at) VALUES "
                            + "('s1', 'a1', 'coder', '" + timestamp + "'), ('s2', 'a1', 'coder', '2026-01-01 00:00:00+00')",
                    "INSERT INTO agent_events (event_id, agent_id, session_id, event_type, created_at) VALUES "
                            + "('e1', 'a1', 's1', 'decision_made', '" + timestamp + "'), "
                            + "('e2', 'a1', 's2', 'tool_called', '" + timestamp + "')"));
            bridge.onSource("INSERT INTO agent_events (event_id, agent_id, session_id, event_type, created_at) VALUES "
                    + "('e3', 'a1', 's1', 'tool_called', '2026-01-01 00:00:00+00'), "
                    + "('e4', 'a1', 's2', 'decision_made', '2026-01-01 00:00:00.000001+00')");
            assertThat(bridge.differences()).isNull();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"infinity", "-infinity"})
    void ourWriteSideRejectsAnInfiniteCreatedAt(String timestamp) throws Exception {
        try (StreamedBridge bridge = StreamedBridge.start(servers.databases("infinite_created_at"), 64)) {
            assertThatThrownBy(() -> bridge.onSource("INSERT INTO agent_events (event_id, agent_id, session_id, event_type, "
                    + "created_at) VALUES ('e1', 'a1', 's1', 'tool_called', '" + timestamp + "')"))
                    .hasMessageContaining("agent_events.created_at must be a finite time");
        }
    }
}
