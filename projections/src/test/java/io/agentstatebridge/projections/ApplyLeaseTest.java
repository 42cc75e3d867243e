package io.agentstatebridge.projections;

import io.agentstatebridge.projections.apply.ApplyLeaseLostException;
import io.agentstatebridge.projections.apply.ProjectionApplier;
import io.agentstatebridge.projections.change.ChangeBatch;
import io.agentstatebridge.projections.change.RowChange;
import io.agentstatebridge.projections.change.SourcePosition;
import io.agentstatebridge.projections.testing.ProjectionHarness;
import io.agentstatebridge.projections.testing.RecordingSource;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 10, item 10: positions are fenced. Each instance that takes over applying for a bridge
 * name raises its epoch; a batch of an instance that took over earlier is refused in its own
 * transaction, so a stepped-down instance can never commit behind the one that replaced it.
 */
class ApplyLeaseTest {

    @Test
    void anInstanceThatTookOverEarlierCannotCommitAfterALaterTakeover() throws Exception {
        try (ProjectionHarness harness = new ProjectionHarness("lease")) {
            RecordingSource source = harness.source();
            ProjectionApplier stepped = ProjectionApplier.takeOver(harness.target(), "fenced");
            source.insertSession("s1", "a1", null, "coder", "2026-01-01T09:00:00Z");
            stepped.apply(batch(source.drain(), 1));

            ProjectionApplier active = ProjectionApplier.takeOver(harness.target(), "fenced");
            source.insertEvent("e1", "a1", "s1", "tool_called", null, "2026-01-01T10:00:00Z");
            active.apply(batch(source.drain(), 2));

            source.insertEvent("e2", "a1", "s1", "tool_called", null, "2026-01-01T11:00:00Z");
            List<RowChange> late = source.drain();
            assertThatThrownBy(() -> stepped.apply(batch(late, 3)))
                    .isInstanceOf(ApplyLeaseLostException.class)
                    .hasMessageContaining("another instance of bridge 'fenced' has taken over")
                    .hasMessageContaining("leader epoch 2, this instance's 1");
            assertThat(text(harness, "SELECT lsn::text || ' ' || (SELECT count(*) FROM public.agent_events) "
                    + "FROM agent_state_bridge.source_position WHERE bridge_name = 'fenced'")).isEqualTo("0/2 1");
        }
    }

    /** The takeover waits for a batch in flight: what that batch commits is seen by the new instance. */
    @Test
    void aTakeoverWaitsForTheBatchInFlightOfThePreviousInstance() throws Exception {
        try (ProjectionHarness harness = new ProjectionHarness("lease_in_flight");
             Connection holder = harness.target().getConnection()) {
            ProjectionApplier first = ProjectionApplier.takeOver(harness.target(), "handover");
            holder.setAutoCommit(false);
            try (Statement lock = holder.createStatement()) {
                lock.execute("SELECT 1 FROM agent_state_bridge.source_position WHERE bridge_name = 'handover' FOR UPDATE");
            }
            CompletableFuture<ProjectionApplier> second = CompletableFuture.supplyAsync(() -> {
                try {
                    return ProjectionApplier.takeOver(harness.target(), "handover");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(500);
            assertThat(second).as("takeover while a batch holds the position").isNotDone();
            holder.commit();
            assertThat(second.get(10, TimeUnit.SECONDS)).isNotNull();
            assertThat(first).isNotNull();
        }
    }

    private static ChangeBatch batch(List<RowChange> changes, long lsn) {
        return new ChangeBatch(changes, new SourcePosition("{\"lsn\":" + lsn + "}", lsn, null));
    }

    private static String text(ProjectionHarness harness, String sql) throws Exception {
        try (Connection connection = harness.target().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
