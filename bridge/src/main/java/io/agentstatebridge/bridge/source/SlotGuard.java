package io.agentstatebridge.bridge.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.projections.apply.Lsn;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Decides whether the replication slot can still deliver every change after the position the
 * read side stores, and says why not: the slot was dropped, invalidated (PostgreSQL removed WAL
 * it still needed, past {@code max_slot_wal_keep_size}), or dropped and created again (it now
 * starts after the stored position). Each means changes are gone; resuming would skip them.
 *
 * <p>The connector has a check of its own when it starts from a stored position (a position
 * older than the slot's {@code restart_lsn} is refused, and so is a missing slot), which this one
 * mirrors so the two never disagree. This one names the cause and the recovery instead of dumping
 * an offset; notices an invalidated slot, which the connector would retry for half an hour; and
 * runs where the connector does not check: when streaming begins right after a snapshot, the
 * connector creates the slot again if it was dropped meanwhile (see BatchHandler).
 *
 * <p>Reads {@code pg_replication_slots} through {@code to_jsonb}, so the same query works on
 * PostgreSQL versions with and without {@code invalidation_reason} (17+).
 */
public final class SlotGuard {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String QUERY = "SELECT pg_wal_lsn_diff(s.restart_lsn, '0/0')::bigint, to_jsonb(s) ->> 'wal_status', "
            + "to_jsonb(s) ->> 'invalidation_reason' FROM pg_replication_slots s WHERE s.slot_name = ?";

    private final BridgeSettings settings;

    public SlotGuard(BridgeSettings settings) {
        this.settings = settings;
    }

    /** Reads the connector's offset as the read side stores it; null when there is none. */
    @FunctionalInterface
    public interface StoredOffset {
        String read() throws SQLException;
    }

    /**
     * Throws {@link SlotLostException} when streaming from the slot after the stored offset would
     * lose changes; SQLException when a database cannot be asked. The slot is read first: it only
     * moves up to positions already stored, so a batch applied meanwhile cannot make a healthy
     * slot look ahead of the position read after it.
     */
    public void check(StoredOffset storedOffset) throws SQLException {
        SlotState slot = readSlot();
        judge(slot, resumeLsn(storedOffset.read()));
    }

    /**
     * As {@link #check}, for a position known to be complete, such as the LSN a snapshot reached;
     * 0 (unknown) only catches an invalidated slot.
     */
    public void checkFrom(long lsn) throws SQLException {
        judge(readSlot(), lsn > 0 ? lsn : null);
    }

    /** The slot as pg_replication_slots shows it; {@code exists} false when it is not there. */
    private record SlotState(boolean exists, Long restartLsn, String walStatus, String invalidationReason) {
    }

    private SlotState readSlot() throws SQLException {
        try (Connection source = DatabaseConnections.open(settings.source(), "source");
             PreparedStatement query = source.prepareStatement(QUERY)) {
            query.setString(1, settings.slot());
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next()) {
                    return new SlotState(false, null, null, null);
                }
                return new SlotState(true, nullableLong(rs, 1), rs.getString(2), rs.getString(3));
            }
        }
    }

    private void judge(SlotState slotState, Long storedLsn) {
        String slot = settings.slot();
        boolean exists = slotState.exists();
        Long restartLsn = slotState.restartLsn();
        if (exists && (slotState.invalidationReason() != null || "lost".equals(slotState.walStatus()))) {
            // wal_status 'lost' without a reason: PostgreSQL before 17, where WAL removal is the only cause.
            throw invalidated(slotState.invalidationReason() != null ? slotState.invalidationReason() : "wal_removed");
        }
        if (storedLsn == null) {
            return; // nothing applied yet, or a snapshot the connector will start over: nothing to lose
        }
        if (!exists) {
            throw new SlotLostException("replication slot '" + slot + "' was dropped on the source, so the changes "
                    + "after the read side's position (LSN " + Lsn.format(storedLsn) + ") are lost and the bridge "
                    + "cannot resume without skipping them.");
        }
        if (restartLsn != null && restartLsn > storedLsn) {
            throw new SlotLostException("replication slot '" + slot + "' on the source starts at LSN "
                    + Lsn.format(restartLsn) + ", after the read side's position (LSN " + Lsn.format(storedLsn)
                    + "): it was dropped and created again, so the changes in between are lost and the bridge "
                    + "cannot resume without skipping them.");
        }
    }

    private SlotLostException invalidated(String reason) {
        String why = switch (reason) {
            case "wal_removed" -> "it retained more WAL than max_slot_wal_keep_size allows, and PostgreSQL removed WAL "
                    + "the bridge had not received yet";
            case "rows_removed" -> "catalog rows it needed were removed";
            case "wal_level_insufficient" -> "wal_level was lowered below logical";
            case "idle_timeout" -> "it stayed inactive longer than idle_replication_slot_timeout";
            default -> "PostgreSQL gave no further detail";
        };
        return new SlotLostException("replication slot '" + settings.slot() + "' was invalidated on the source ("
                + reason + ": " + why + "), so changes the bridge had not applied yet are lost and it cannot resume "
                + "without skipping them."
                + ("wal_removed".equals(reason) ? " Consider a larger max_slot_wal_keep_size." : ""));
    }

    /**
     * The WAL position the connector resumes from: the offset's LSN, which the bridge stores at the
     * end of a source transaction (offsets the bridge stores carry no "last completely processed"
     * LSN, which would make the connector resume elsewhere); null when there is no position or the
     * snapshot in it is unfinished, in which case the connector snapshots again and a new slot
     * loses nothing.
     */
    public static Long resumeLsn(String storedOffset) {
        if (storedOffset == null) {
            return null;
        }
        JsonNode offset;
        try {
            offset = JSON.readTree(storedOffset);
        } catch (IOException e) {
            throw new IllegalStateException("the stored source position is not the connector's JSON: " + storedOffset, e);
        }
        if (offset.hasNonNull("snapshot") && !"false".equalsIgnoreCase(offset.get("snapshot").asText())
                && !offset.path("last_snapshot_record").asBoolean(false) && !offset.path("snapshot_completed").asBoolean(false)) {
            return null;
        }
        JsonNode lsn = offset.get("lsn");
        return lsn == null || !lsn.canConvertToLong() ? null : lsn.asLong();
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
