-- Folds one batch's event changes into session_summary and agent_task_progress, which share
-- their groups (session_id, agent_id), as signed deltas. Parameter 1: the replaced or removed
-- event rows (retractions); parameter 2: the new rows (additions); each a JSON array of
-- text-valued objects. Counts and sums are exact under retraction. MIN, MAX, BOOL_OR and the
-- latest decision only widen here; group_aggregates_retract.sql recomputes them where rows left.
-- Returns the added events whose token_count the defining query could not cast to INT: they are
-- counted as 0 and recorded in agent_state_bridge.rejected_rows.
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
           SUM(sign * COALESCE(agent_state_bridge.token_count_or_null(payload), 0)) AS total_tokens_used,
           COALESCE(BOOL_OR(event_type = 'error_occurred') FILTER (WHERE sign > 0), FALSE) AS added_error,
           COALESCE(BOOL_OR(event_type = 'session_ended') FILTER (WHERE sign > 0), FALSE)  AS added_closed,
           MAX(created_at) FILTER (WHERE sign > 0 AND event_type = 'decision_made')        AS added_last_decision
    FROM changed
    GROUP BY session_id, agent_id
), rejected AS (
    INSERT INTO agent_state_bridge.rejected_rows (source_table, row_key, reason, row_data)
    SELECT 'public.agent_events',
           event_id,
           'payload.token_count is not an integer that fits INT; counted as 0',
           jsonb_build_object('event_id', event_id, 'agent_id', agent_id, 'session_id', session_id,
                              'token_count', payload -> 'token_count')
    FROM changed
    WHERE sign > 0 AND agent_state_bridge.token_count_is_invalid(payload)
    RETURNING row_key, row_data ->> 'token_count' AS token_count
), summary AS (
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
), progress AS (
    INSERT INTO public.agent_task_progress AS p (
        session_id, agent_id, decisions_made, tools_invoked, tasks_completed,
        had_error, is_closed, last_decision_at)
    SELECT session_id, agent_id, decisions, tool_calls, tasks_completed,
           added_error, added_closed, added_last_decision
    FROM delta
    ON CONFLICT (session_id, agent_id) DO UPDATE SET
        decisions_made   = p.decisions_made + EXCLUDED.decisions_made,
        tools_invoked    = p.tools_invoked + EXCLUDED.tools_invoked,
        tasks_completed  = p.tasks_completed + EXCLUDED.tasks_completed,
        had_error        = p.had_error OR EXCLUDED.had_error,
        is_closed        = p.is_closed OR EXCLUDED.is_closed,
        last_decision_at = GREATEST(p.last_decision_at, EXCLUDED.last_decision_at)
)
SELECT row_key, token_count FROM rejected
