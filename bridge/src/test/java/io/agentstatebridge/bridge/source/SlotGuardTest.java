package io.agentstatebridge.bridge.source;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which WAL position a stored connector offset resumes from, as the slot guard reads it: the
 * offset's LSN, or none while a snapshot is unfinished (the connector snapshots again).
 */
class SlotGuardTest {

    /** Issue 10, item 3: the connector is never given lsn_proc, so it resumes from lsn. */
    @Test
    void streamingOffsetResumesFromItsLsnEvenWhenItCarriesAProcessedLsn() {
        assertThat(SlotGuard.resumeLsn("{\"lsn_proc\":31106632,\"lsn_commit\":31106632,\"lsn\":31106700,\"txId\":788,"
                + "\"messageType\":\"COMMIT\",\"ts_usec\":1764097442660237}")).isEqualTo(31106700L);
    }

    @Test
    void offsetWithoutProcessedLsnResumesFromItsLsn() {
        assertThat(SlotGuard.resumeLsn("{\"lsn\":4096,\"txId\":5}")).isEqualTo(4096L);
    }

    @Test
    void unfinishedSnapshotHasNoPositionToLose() {
        assertThat(SlotGuard.resumeLsn("{\"snapshot\":\"INITIAL\",\"last_snapshot_record\":false,"
                + "\"snapshot_completed\":false,\"lsn\":4096}")).isNull();
    }

    @Test
    void lastSnapshotRecordOrCompletedSnapshotIsAPosition() {
        assertThat(SlotGuard.resumeLsn("{\"snapshot\":\"INITIAL\",\"last_snapshot_record\":true,\"lsn\":4096}")).isEqualTo(4096L);
        assertThat(SlotGuard.resumeLsn("{\"snapshot\":\"INITIAL\",\"snapshot_completed\":true,\"lsn\":4096}")).isEqualTo(4096L);
    }

    @Test
    void noStoredOffsetHasNoPosition() {
        assertThat(SlotGuard.resumeLsn(null)).isNull();
    }
}
