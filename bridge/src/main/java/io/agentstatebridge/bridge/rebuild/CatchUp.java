package io.agentstatebridge.bridge.rebuild;

import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.bridge.engine.RebuildStream;
import io.agentstatebridge.bridge.source.DatabaseConnections;
import io.agentstatebridge.bridge.source.StreamMarker;
import io.agentstatebridge.bridge.source.SlotGuard;
import io.agentstatebridge.bridge.source.SlotLostException;
import io.agentstatebridge.projections.schema.ReadSideRebuild;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * Waits, printing progress, until a rebuild's stream has delivered its snapshot and then caught up
 * with what the source committed meanwhile. Caught up means: a marker row written to the
 * source's heartbeat table once the snapshot was complete has arrived in the shadow tables, so
 * everything committed before it has too.
 */
final class CatchUp {
    private final BridgeSettings settings;
    private final DataSource target;
    private final String positionTable;
    private final PrintWriter out;
    private final String markerRow;

    /** {@code positionTable}: where the rebuild's stream keeps its position. */
    CatchUp(BridgeSettings settings, DataSource target, String positionTable, PrintWriter out) {
        this.settings = settings;
        this.target = target;
        this.positionTable = positionTable;
        this.out = out;
        this.markerRow = settings.name() + ":resnapshot";
    }

    void await(RebuildStream stream, Duration progressEvery, Duration slotCheckEvery) throws SQLException, InterruptedException {
        long marker = 0;
        long nextProgress = System.nanoTime() + progressEvery.toNanos();
        long nextSlotCheck = System.nanoTime() + slotCheckEvery.toNanos();
        while (true) {
            if (stream.hasEnded()) {
                throw new Resnapshot.Failed("the rebuild's change stream stopped: " + describe(stream.failure())
                        + ". The live tables are unchanged; fix the cause and run resnapshot again.");
            }
            if (marker == 0 && stream.stats().snapshotComplete()) {
                marker = writeMarker();
                out.printf("resnapshot: snapshot complete (rows: %s); catching up with the changes written since it began%n",
                        rows(stream.stats().snapshotRows()));
                out.flush();
            }
            if (marker != 0 && markerArrived(marker)) {
                return;
            }
            if (System.nanoTime() > nextProgress) {
                nextProgress = System.nanoTime() + progressEvery.toNanos();
                out.printf("resnapshot: %s%n", marker == 0 ? "snapshot in progress, rows so far: " + rows(stream.stats().snapshotRows())
                        : "catching up, " + stream.stats().changesApplied() + " changes applied");
                out.flush();
            }
            if (System.nanoTime() > nextSlotCheck) {
                nextSlotCheck = System.nanoTime() + slotCheckEvery.toNanos();
                checkSlot();
            }
            Thread.sleep(200);
        }
    }

    /** The new slot can be invalidated too, on a source short of WAL room; say so rather than wait forever. */
    private void checkSlot() {
        try {
            new SlotGuard(settings).check(this::storedOffset);
        } catch (SlotLostException e) {
            throw new Resnapshot.Failed("the new slot was lost during the rebuild: " + e.whatHappened()
                    + " The live tables are unchanged; run resnapshot again.");
        } catch (SQLException | RuntimeException e) {
            // Unreachable for a moment: the stream itself reports what lasts.
        }
    }

    private String storedOffset() throws SQLException {
        try (Connection connection = target.getConnection(); PreparedStatement query = connection.prepareStatement(
                "SELECT source_offset FROM " + positionTable + " WHERE bridge_name = ?")) {
            query.setString(1, settings.name());
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private long writeMarker() throws SQLException {
        long marker = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        try (Connection source = DatabaseConnections.open(settings.source(), "source")) {
            StreamMarker.write(source, markerRow, marker);
        }
        return marker;
    }

    private boolean markerArrived(long marker) throws SQLException {
        try (Connection connection = target.getConnection()) {
            return StreamMarker.arrived(connection, ReadSideRebuild.SHADOW_SCHEMA + ".heartbeat", markerRow, marker);
        }
    }

    private static String rows(Map<String, Long> snapshotRows) {
        return snapshotRows.isEmpty() ? "none yet" : snapshotRows.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    private static String describe(Throwable error) {
        if (error == null) {
            return "no reason given";
        }
        StringBuilder text = new StringBuilder(String.valueOf(error.getMessage()));
        for (Throwable t = error.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t.getMessage() != null && !text.toString().contains(t.getMessage())) {
                text.append(": ").append(t.getMessage());
            }
        }
        return text.toString();
    }
}
