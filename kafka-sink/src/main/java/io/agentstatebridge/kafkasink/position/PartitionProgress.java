package io.agentstatebridge.kafkasink.position;

import java.time.Instant;

/**
 * What one batch applied of one partition, to be stored with it.
 *
 * @param nextOffset   offset after the last record the batch consumed (applied or skipped)
 * @param lsn          the largest source WAL position the applied changes carried; 0 if none
 * @param committedAt  source commit time of the last applied change; null if unknown
 * @param lastSequence sequence of the last applied streamed change; null if none
 * @param changes      changes applied
 */
public record PartitionProgress(long nextOffset, long lsn, Instant committedAt, SourceSequence lastSequence, long changes) {
}
