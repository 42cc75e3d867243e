package io.agentstatebridge.kafkasink.testing;

import io.agentstatebridge.projections.verify.ReadSideComparison;
import io.agentstatebridge.projections.verify.RelationDifference;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** Compares the read side with the definitions evaluated on the sources, as `verify` does. */
public final class ReadSideCheck {
    private ReadSideCheck() {
    }

    /** The differences, described; empty when every relation is equal. */
    public static String differences(String sourceUrl, String readSideUrl) throws SQLException {
        try (Connection source = DriverManager.getConnection(sourceUrl);
             Connection target = DriverManager.getConnection(readSideUrl)) {
            List<RelationDifference> differences = new ReadSideComparison(5).compare(source, target);
            return differences.stream().filter(d -> !d.isEqual()).map(RelationDifference::describe)
                    .collect(Collectors.joining("\n"));
        }
    }

    /** Waits until the read side equals the definitions; fails with the last differences otherwise. */
    public static void awaitEqual(String sourceUrl, String readSideUrl, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last;
        do {
            last = differences(sourceUrl, readSideUrl);
            if (last.isEmpty()) {
                return;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("the read side did not converge within " + timeout + ":\n" + last);
    }
}
