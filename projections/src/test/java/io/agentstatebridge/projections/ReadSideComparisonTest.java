package io.agentstatebridge.projections;

import io.agentstatebridge.projections.testing.ProjectionHarness;
import io.agentstatebridge.projections.verify.ReadSideComparison;
import io.agentstatebridge.projections.verify.RelationDifference;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReadSideComparisonTest {

    @Test
    void reportsMissingExtraAndDifferentKeysSeparately() throws Exception {
        try (ProjectionHarness harness = new ProjectionHarness("comparison")) {
            harness.source().insertSession("s1", "a1", null, "coder", "2026-01-01T09:00:00Z");
            harness.source().insertEvent("e1", "a1", "s1", "message_received", null, "2026-01-01T10:00:00Z");
            harness.source().insertEvent("e2", "a1", "s1", "tool_called", null, "2026-01-01T10:01:00Z");
            harness.applyRecorded();
            try (Connection target = harness.target().getConnection(); Statement statement = target.createStatement()) {
                statement.execute("DELETE FROM agent_events WHERE event_id = 'e1'");
                statement.execute("INSERT INTO agent_events VALUES ('e9', 'a1', 's1', 'tool_called', NULL, now())");
                statement.execute("UPDATE agent_events SET event_type = 'decision_made' WHERE event_id = 'e2'");
            }

            List<RelationDifference> differences;
            try (Connection s = harness.sourceConnection(); Connection t = harness.target().getConnection()) {
                differences = new ReadSideComparison(10).compare(s, t);
            }
            RelationDifference events = differences.stream().filter(d -> d.relation().equals("agent_events")).findFirst().orElseThrow();
            assertThat(events.missing()).containsExactly("e1");
            assertThat(events.extra()).containsExactly("e9");
            assertThat(events.different()).singleElement().asString()
                    .contains("e2").contains("event_type = tool_called by definition, decision_made on the read side");
            assertThat(differences.stream().filter(d -> !d.relation().equals("agent_events")))
                    .allMatch(RelationDifference::isEqual);
        }
    }
}
