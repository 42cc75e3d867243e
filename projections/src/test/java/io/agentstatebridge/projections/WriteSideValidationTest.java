package io.agentstatebridge.projections;

import io.agentstatebridge.projections.schema.SchemaMigrations;
import io.agentstatebridge.projections.testing.PostgresFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WriteSideValidationTest {
    private final PGSimpleDataSource source = new PGSimpleDataSource();

    @BeforeEach
    void createWriteSide() {
        source.setUrl(PostgresFixture.get().createDatabase("validation").jdbcUrl());
        SchemaMigrations.migrateWriteSide(source);
        SchemaMigrations.migrateWriteSide(source); // idempotent
    }

    @Test
    void rejectsAnEmptyEventTypeWithAMessageSayingWhy() {
        assertThatThrownBy(() -> insert("'e1', 'a1', 's1', '  ', NULL"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("event_type must not be empty (event_id e1)");
    }

    @Test
    void rejectsATokenCountThatIsNotAnIntegerFittingInt() {
        assertThatThrownBy(() -> insert("'e1', 'a1', 's1', 'message_received', '{\"token_count\": \"lots\"}'"))
                .hasMessageContaining("token_count must be an integer").hasMessageContaining("got \"lots\"");
        assertThatThrownBy(() -> insert("'e2', 'a1', 's1', 'message_received', '{\"token_count\": 3000000000}'"))
                .hasMessageContaining("token_count must be an integer");
        assertThatThrownBy(() -> insert("'e3', 'a1', 's1', 'message_received', '{\"token_count\": 1.5}'"))
                .hasMessageContaining("token_count must be an integer");
    }

    @Test
    void acceptsWhatTheDefinitionsCanAggregate() {
        assertThatCode(() -> {
            insert("'e1', 'a1', 's1', 'message_received', '{\"token_count\": 42}'");
            insert("'e2', 'a1', 's1', 'message_received', '{\"token_count\": \" 7 \"}'");
            insert("'e3', 'a1', 's1', 'message_received', '{\"token_count\": null}'");
            insert("'e4', 'a1', 's1', 'tool_called', NULL");
            insert("'e5', 'a1', 's1', 'tool_called', '[1, 2]'");
        }).doesNotThrowAnyException();
    }

    private void insert(String values) throws SQLException {
        try (Connection connection = source.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO agent_events (event_id, agent_id, session_id, event_type, payload) VALUES (" + values + ")");
        }
    }
}
