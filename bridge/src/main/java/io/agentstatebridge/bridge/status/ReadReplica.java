package io.agentstatebridge.bridge.status;

/**
 * A physical standby of the read database, streaming from the server the bridge writes to, as that
 * server reports it: readers querying the standby see the read side as it was this long ago.
 *
 * @param name               the standby's application_name (its cluster_name unless its primary_conninfo names another)
 * @param state              its WAL sender's state: streaming, catchup, ...
 * @param replayLagSeconds   how long the read side's newest commits take to be replayed there; 0 when it has
 *                           replayed everything; null when not measured yet
 * @param replayLagBytes     read-side WAL written and not yet replayed there
 */
public record ReadReplica(String name, String state, Double replayLagSeconds, Long replayLagBytes) {
}
