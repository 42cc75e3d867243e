package io.agentstatebridge.projections.apply;

/**
 * What one batch did to the read side.
 *
 * @param changes      row changes in the batch
 * @param rowsTouched  distinct source rows they touched, after coalescing
 * @param rejectedRows rows recorded in agent_state_bridge.rejected_rows
 * @param nanos        time spent, connection acquisition to commit
 */
public record ApplyResult(int changes, int rowsTouched, int rejectedRows, long nanos) {
}
