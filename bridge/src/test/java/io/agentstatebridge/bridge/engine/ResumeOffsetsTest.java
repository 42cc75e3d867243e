package io.agentstatebridge.bridge.engine;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 10, item 3: the connector resumes from the stored commit, without searching for a change. */
class ResumeOffsetsTest {

    @Test
    void offsetsAreStoredWithoutTheLastCompletelyProcessedLsn() {
        Map<String, ?> stored = ResumeOffsets.of(Map.of("lsn_proc", 100L, "lsn_commit", 100L, "lsn", 100L, "txId", 7L));
        assertThat(stored).containsOnlyKeys("lsn_commit", "lsn", "txId");
    }

    @Test
    void offsetsStoredByEarlierVersionsReachTheConnectorWithoutIt() {
        assertThat(ResumeOffsets.of("{\"lsn_proc\":100,\"lsn_commit\":100,\"lsn\":100,\"txId\":7}"))
                .isEqualTo("{\"lsn_commit\":100,\"lsn\":100,\"txId\":7}");
        assertThat(ResumeOffsets.of("{\"lsn\":100}")).isEqualTo("{\"lsn\":100}");
        assertThat(ResumeOffsets.of((String) null)).isNull();
    }
}
