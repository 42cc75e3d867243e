package io.agentstatebridge.kafkasink.position;

/** The last change a batch applied for one agent: where the agent lives, and its source transaction and position. */
public record AgentProgress(String agentId, PartitionId partition, Long txId, long lsn) {
}
