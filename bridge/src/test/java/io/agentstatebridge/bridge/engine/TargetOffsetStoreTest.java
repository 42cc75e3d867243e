package io.agentstatebridge.bridge.engine;

import com.zaxxer.hikari.HikariDataSource;
import io.agentstatebridge.projections.schema.SchemaMigrations;
import io.agentstatebridge.projections.testing.PostgresFixture;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.standalone.StandaloneConfig;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10, item 11: what the connector resumes from and confirms to the slot. After the first
 * read from the read side, the store answers with the offset this process committed, so a task
 * restart while the read side is unreachable resumes from what was applied, not from an older
 * offset; and the answer never carries lsn_proc (item 3).
 */
class TargetOffsetStoreTest {
    private static final ByteBuffer KEY = ByteBuffer.wrap("[\"bridge\",{\"server\":\"agent_state_bridge\"}]".getBytes(StandardCharsets.UTF_8));

    @Test
    void afterTheFirstReadTheStoreAnswersWithTheOffsetCommittedEvenWhenTheReadSideIsGone() throws Exception {
        String name = "offsets_" + ProcessHandle.current().pid();
        HikariDataSource target = new HikariDataSource();
        target.setJdbcUrl(PostgresFixture.get().createDatabase("offset_store").jdbcUrl());
        SchemaMigrations.migrateReadSide(target);
        try (Connection connection = target.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO agent_state_bridge.source_position (bridge_name, source_offset, batches_applied, "
                    + "changes_applied) VALUES ('" + name + "', '{\"lsn_proc\":10,\"lsn_commit\":10,\"lsn\":10}', 1, 1)");
        }
        AppliedOffset applied = TargetOffsetStore.register(name, target);
        try {
            TargetOffsetStore store = new TargetOffsetStore();
            store.configure(new StandaloneConfig(Map.of(
                    "key.converter", JsonConverter.class.getName(), "value.converter", JsonConverter.class.getName(),
                    "offset.storage.file.filename", "unused", "bootstrap.servers", "unused:9092",
                    TargetOffsetStore.BRIDGE_NAME_PROPERTY, name)));

            assertThat(offset(store)).isEqualTo("{\"lsn_commit\":10,\"lsn\":10}");

            applied.committed("{\"lsn_commit\":20,\"lsn\":20}");
            target.close(); // the read side is out of reach from now on
            assertThat(offset(store)).isEqualTo("{\"lsn_commit\":20,\"lsn\":20}");
        } finally {
            TargetOffsetStore.unregister(name);
            target.close();
        }
    }

    private static String offset(TargetOffsetStore store) throws Exception {
        Map<ByteBuffer, ByteBuffer> offsets = store.get(List.of(KEY)).get(5, TimeUnit.SECONDS);
        return StandardCharsets.UTF_8.decode(offsets.get(KEY).duplicate()).toString();
    }
}
