-- Folds one batch's event changes into session_summary as signed deltas.
-- Parameter 1: the replaced or removed event rows (retractions), parameter 2: the new rows
-- (additions), each a JSON array of text-valued objects. Counts and sums are exact under
-- retraction; first/latest only widen here, session_summary_retract.sql narrows them.
WITH changed AS (
    SELECT r.session_id, r.agent_id, r.event_type, r.created_at::timestamptz AS created_at,
           r.payload::jsonb AS payload, -1 AS sign
    FROM jsonb_to_recordset(?::jsonb)
         AS r(session_id text, agent_id text, event_type text, created_at text, payload text)
    UNION ALL
    SELECT a.session_id, a.agent_id, a.event_type, a.created_at::timestamptz, a.payload::jsonb, 1
    FROM jsonb_to_recordset(?::jsonb)
         AS a(session_id text, agent_id text, event_type text, created_at text, payload text)
), delta AS (
    SELECT session_id,
           agent_id,
           SUM(sign)                                                          AS total_events,
           COALESCE(SUM(sign) FILTER (WHERE event_type = 'message_received'), 0) AS user_messages,
           COALESCE(SUM(sign) FILTER (WHERE event_type = 'tool_called'), 0)      AS tool_calls,
           COALESCE(SUM(sign) FILTER (WHERE event_type = 'decision_made'), 0)    AS decisions,
           COALESCE(SUM(sign) FILTER (WHERE event_type = 'error_occurred'), 0)   AS errors,
           MIN(created_at) FILTER (WHERE sign > 0)                            AS added_first,
           MAX(created_at) FILTER (WHERE sign > 0)                            AS added_latest,
           SUM(sign * COALESCE(agent_state_bridge.token_count_or_null(payload), 0)) AS total_tokens_used
    FROM changed
    GROUP BY session_id, agent_id
)
INSERT INTO public.session_summary AS s (
    session_id, agent_id, total_events, user_messages, tool_calls, decisions, errors,
    first_event_at, latest_event_at, session_duration, total_tokens_used)
SELECT session_id, agent_id, total_events, user_messages, tool_calls, decisions, errors,
       -- A group with retractions only always exists already; the infinities lose LEAST/GREATEST.
       COALESCE(added_first, 'infinity'),
       COALESCE(added_latest, '-infinity'),
       COALESCE(added_latest - added_first, INTERVAL '0'),
       total_tokens_used
FROM delta
ON CONFLICT (session_id, agent_id) DO UPDATE SET
    total_events      = s.total_events + EXCLUDED.total_events,
    user_messages     = s.user_messages + EXCLUDED.user_messages,
    tool_calls        = s.tool_calls + EXCLUDED.tool_calls,
    decisions         = s.decisions + EXCLUDED.decisions,
    errors            = s.errors + EXCLUDED.errors,
    first_event_at    = LEAST(s.first_event_at, EXCLUDED.first_event_at),
    latest_event_at   = GREATEST(s.latest_event_at, EXCLUDED.latest_event_at),
    session_duration  = GREATEST(s.latest_event_at, EXCLUDED.latest_event_at)
                        - LEAST(s.first_event_at, EXCLUDED.first_event_at),
    total_tokens_used = s.total_tokens_used + EXCLUDED.total_tokens_used
