-- The per-group deltas of one batch's event changes, computed row by row with the definitions' own
-- casts: the path for batches holding values only PostgreSQL can judge (a token_count that is not a
-- plain integer). Parameter 1: the replaced or removed event rows (retractions); parameter 2: the
-- new rows (additions); each a JSON array of text-valued objects. Completed by group_deltas_upsert.sql.
WITH changed AS (
    SELECT r.event_id, r.session_id, r.agent_id, r.event_type, r.created_at::timestamptz AS created_at,
           r.payload::jsonb AS payload, -1 AS sign
    FROM jsonb_to_recordset(?::jsonb)
         AS r(event_id text, session_id text, agent_id text, event_type text, created_at text, payload text)
    UNION ALL
    SELECT a.event_id, a.session_id, a.agent_id, a.event_type, a.created_at::timestamptz, a.payload::jsonb, 1
    FROM jsonb_to_recordset(?::jsonb)
         AS a(event_id text, session_id text, agent_id text, event_type text, created_at text, payload text)
), delta AS (
    SELECT session_id,
           agent_id,
           SUM(sign)                                                               AS total_events,
           COALESCE(SUM(sign) FILTER (WHERE event_type = 'message_received'), 0)  AS user_messages,
           COALESCE(SUM(sign) FILTER (WHERE event_type = 'tool_called'), 0)       AS tool_calls,
           COALESCE(SUM(sign) FILTER (WHERE event_type = 'decision_made'), 0)     AS decisions,
           COALESCE(SUM(sign) FILTER (WHERE event_type = 'error_occurred'), 0)    AS errors,
           COALESCE(SUM(sign) FILTER (WHERE event_type = 'task_completed'), 0)    AS tasks_completed,
           MIN(created_at) FILTER (WHERE sign > 0)                                 AS added_first,
           MAX(created_at) FILTER (WHERE sign > 0)                                 AS added_latest,
           -- In BIGINT: retracting a token_count of -2147483648 (sign -1) overflows INTEGER.
           SUM(sign * COALESCE(agent_state_bridge.token_count_or_null(payload), 0)::BIGINT) AS total_tokens_used,
           COALESCE(BOOL_OR(event_type = 'error_occurred') FILTER (WHERE sign > 0), FALSE) AS added_error,
           COALESCE(BOOL_OR(event_type = 'session_ended') FILTER (WHERE sign > 0), FALSE)  AS added_closed,
           MAX(created_at) FILTER (WHERE sign > 0 AND event_type = 'decision_made')        AS added_last_decision
    FROM changed
    GROUP BY session_id, agent_id
)
