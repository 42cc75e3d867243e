package io.agentstatebridge.bridge.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.agentstatebridge.projections.change.SourcePosition;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The connector's offsets in the form the bridge stores and resumes from: without the "last
 * completely processed LSN" ({@code lsn_proc}).
 *
 * <p>Given that key, the connector does not simply ask PostgreSQL to start after the stored
 * position: it streams again from it and drops every change until it has seen a change whose LSN
 * equals the stored one, then resumes with the change after that. Only commits are ordered by LSN
 * in the stream, though; the changes of a transaction still open when the stored one committed may
 * lie anywhere in the WAL, and when one of them is the record right after that commit, the search
 * lands inside that transaction and drops its earlier changes: committed changes lost without a
 * word. The bridge only ever stores positions at the end of a source transaction (or outside any),
 * where PostgreSQL's own start position is exact: asked to start at the end LSN of the last applied
 * commit, it sends every transaction that commits later, whole. Without {@code lsn_proc} that is
 * what the connector asks for: it starts at the offset's {@code lsn} (the commit's end) and drops
 * nothing. It still confirms {@code lsn_commit} to the slot, the same LSN.
 */
public final class ResumeOffsets {
    static final String LAST_COMPLETELY_PROCESSED_LSN = "lsn_proc";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResumeOffsets() {
    }

    /**
     * The position of a read side loaded from the snapshot a slot exported at {@code consistentPoint}:
     * the connector resumes there as after a commit ending at that LSN, which PostgreSQL streams
     * from exactly (every transaction committing after the snapshot, none before).
     */
    public static SourcePosition atConsistentPoint(long consistentPoint) {
        ObjectNode offset = JSON.createObjectNode();
        offset.put("lsn", consistentPoint);
        offset.put("lsn_commit", consistentPoint);
        Instant now = Instant.now();
        offset.put("ts_usec", now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000);
        return new SourcePosition(offset.toString(), consistentPoint, now);
    }

    /** {@code offset} as stored: a copy without the key that would make the connector search. */
    static Map<String, ?> of(Map<String, ?> offset) {
        if (!offset.containsKey(LAST_COMPLETELY_PROCESSED_LSN)) {
            return offset;
        }
        Map<String, Object> copy = new HashMap<>(offset);
        copy.remove(LAST_COMPLETELY_PROCESSED_LSN);
        return copy;
    }

    /** A stored offset as the connector must see it; offsets stored by earlier versions still carry the key. */
    static String of(String storedJson) {
        if (storedJson == null || !storedJson.contains(LAST_COMPLETELY_PROCESSED_LSN)) {
            return storedJson;
        }
        try {
            ObjectNode offset = (ObjectNode) JSON.readTree(storedJson);
            offset.remove(LAST_COMPLETELY_PROCESSED_LSN);
            return JSON.writeValueAsString(offset);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalStateException("the stored source position is not the connector's JSON: " + storedJson, e);
        }
    }
}
