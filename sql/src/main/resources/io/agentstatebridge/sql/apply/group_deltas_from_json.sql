-- Per-group deltas computed by the bridge, one JSON object per (session_id, agent_id) group.
-- Completed by group_deltas_upsert.sql.
WITH delta AS (
    SELECT *
    FROM jsonb_to_recordset(?::jsonb) AS d(
        session_id text, agent_id text, total_events bigint, user_messages bigint, tool_calls bigint,
        decisions bigint, errors bigint, tasks_completed bigint, total_tokens_used bigint,
        added_first timestamptz, added_latest timestamptz, added_error boolean, added_closed boolean,
        added_last_decision timestamptz)
)
