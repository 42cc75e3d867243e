package io.agentstatebridge.kafkasink.position;

/**
 * Where a change sits in its source's stream, as Debezium's PostgreSQL connector numbers it: the
 * commit position the connector had passed before the change's transaction, then the change's own
 * WAL position. It grows along the stream (transactions arrive in commit order, a transaction's
 * changes in WAL order), so a change the connector sends again after restarting from an older
 * position compares at or below the last one applied.
 */
public record SourceSequence(long commitLsn, long changeLsn) implements Comparable<SourceSequence> {
    @Override
    public int compareTo(SourceSequence other) {
        int byCommit = Long.compareUnsigned(commitLsn, other.commitLsn);
        return byCommit != 0 ? byCommit : Long.compareUnsigned(changeLsn, other.changeLsn);
    }

    public boolean isAtOrBefore(SourceSequence other) {
        return compareTo(other) <= 0;
    }
}
