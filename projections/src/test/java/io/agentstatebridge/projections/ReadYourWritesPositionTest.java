package io.agentstatebridge.projections;

import io.agentstatebridge.projections.change.ChangeBatch;
import io.agentstatebridge.projections.change.RowChange;
import io.agentstatebridge.projections.change.SourcePosition;
import io.agentstatebridge.projections.testing.ProjectionHarness;
import io.agentstatebridge.projections.testing.RecordingSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The position readers wait for (visible_lsn) and the SQL function that waits for it. The
 * harness numbers batches 1, 2, 3...; batch n reaches source position 0/n.
 */
class ReadYourWritesPositionTest {
    private ProjectionHarness harness;
    private RecordingSource source;

    @BeforeEach
    void setUp() throws SQLException {
        harness = new ProjectionHarness("read_your_writes");
        source = harness.source();
    }

    @AfterEach
    void tearDown() throws SQLException {
        harness.close();
    }

    @Test
    void streamedBatchesMakeTheirPositionVisible() throws SQLException {
        source.insertSession("s1", "a1", null, "coder", "2026-01-01T09:00:00Z");
        harness.applyRecorded();
        source.insertEvent("e1", "a1", "s1", "message_received", null, "2026-01-01T10:00:00Z");
        harness.applyRecorded();
        assertThat(visibleLsn()).isEqualTo("0/2");
    }

    @Test
    void aLoadMakesItsPositionVisibleInOneStep() throws Exception {
        source.insertSession("s0", "a0", null, "coder", "2026-01-01T09:00:00Z");
        harness.applyRecorded();
        assertThat(visibleLsn()).isEqualTo("0/1");
        source.insertSession("s1", "a1", null, "coder", "2026-01-01T09:00:00Z");
        source.insertEvent("e1", "a1", "s1", "message_received", null, "2026-01-01T10:00:00Z");
        source.drain();

        CompletableFuture<String> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                String reached = queryTarget("SELECT agent_state_bridge.await_applied('0/9', 10000, 'test')");
                return reached + " " + queryTarget("SELECT count(*) FROM public.agent_events");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        harness.loadFromSource(new SourcePosition("{\"lsn\":9}", 9, null));
        assertThat(waiter.get(10, TimeUnit.SECONDS)).as("a reader waiting for the load sees all of it").isEqualTo("0/9 1");
    }

    @Test
    void awaitReturnsAtOnceWhenThePositionIsAlreadyVisible() throws SQLException {
        source.insertSession("s1", "a1", null, "coder", "2026-01-01T09:00:00Z");
        harness.applyRecorded();
        assertThat(queryTarget("SELECT agent_state_bridge.await_applied('0/1', 0)")).isEqualTo("0/1");
    }

    @Test
    void awaitReturnsAsSoonAsABatchReachesTheToken() throws Exception {
        source.insertSession("s1", "a1", null, "coder", "2026-01-01T09:00:00Z");
        harness.applyRecorded();
        CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return queryTarget("SELECT agent_state_bridge.await_applied('0/2', 60000)");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        assertThat(waiting).as("nothing has reached 0/2 yet").isNotDone();
        source.insertEvent("e1", "a1", "s1", "message_received", null, "2026-01-01T10:00:00Z");
        harness.applyRecorded();
        assertThat(waiting.get(30, TimeUnit.SECONDS)).isEqualTo("0/2");
    }

    @Test
    void awaitSaysSoWhenTheTimeoutPassesFirst() throws SQLException {
        source.insertSession("s1", "a1", null, "coder", "2026-01-01T09:00:00Z");
        harness.applyRecorded();
        assertThatThrownBy(() -> queryTarget("SELECT agent_state_bridge.await_applied('0/5', 50)"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("has not reached source position 0/5 within 50 ms")
                .hasMessageContaining("up to 0/1")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("ASB01"));
    }

    @Test
    void awaitRefusesInsideARepeatableReadTransaction() throws SQLException {
        try (Connection connection = harness.target().getConnection()) {
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                assertThatThrownBy(() -> statement.executeQuery("SELECT agent_state_bridge.await_applied('0/1', 0)"))
                        .hasMessageContaining("cannot help inside a repeatable read transaction");
            }
        }
    }

    @Test
    void awaitAsksWhichBridgeWhenSeveralApplyIntoOneDatabase() throws SQLException {
        source.insertSession("s1", "a1", null, "coder", "2026-01-01T09:00:00Z");
        harness.applyRecorded();
        try (Connection connection = harness.target().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO agent_state_bridge.source_position (bridge_name, source_offset, applied_at, "
                    + "batches_applied, changes_applied, visible_lsn) VALUES ('other', '{}', now(), 0, 0, '0/9')");
        }
        assertThatThrownBy(() -> queryTarget("SELECT agent_state_bridge.await_applied('0/1', 0)"))
                .hasMessageContaining("more than one bridge");
        assertThat(queryTarget("SELECT agent_state_bridge.await_applied('0/1', 0, 'test')")).isEqualTo("0/1");
    }

    private String visibleLsn() throws SQLException {
        return queryTarget("SELECT visible_lsn FROM agent_state_bridge.source_position");
    }


    private String queryTarget(String sql) throws SQLException {
        try (Connection connection = harness.target().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
