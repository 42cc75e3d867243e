-- Applies per-group deltas to session_summary and agent_task_progress, which share their groups
-- (session_id, agent_id). A fragment: it completes a WITH clause that defines `delta` (see
-- group_deltas_from_json.sql and group_deltas_from_event_rows.sql). Counts and sums are exact
-- under retraction; first/latest, the flags and the latest decision only widen here, and
-- group_aggregates_retract.sql recomputes them where events left a group.
, summary AS (
    INSERT INTO public.session_summary AS s (
        session_id, agent_id, total_events, user_messages, tool_calls, decisions, errors,
        first_event_at, latest_event_at, session_duration, total_tokens_used)
    SELECT session_id, agent_id, total_events, user_messages, tool_calls, decisions, errors,
           -- A group with retractions only always exists already; the infinities lose LEAST/GREATEST.
           COALESCE(added_first, 'infinity'),
           COALESCE(added_latest, '-infinity'),
           CASE WHEN added_first IS NULL THEN INTERVAL '0'
                ELSE agent_state_bridge.duration(added_latest, added_first) END,
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
        session_duration  = agent_state_bridge.duration(GREATEST(s.latest_event_at, EXCLUDED.latest_event_at),
                                                        LEAST(s.first_event_at, EXCLUDED.first_event_at)),
        total_tokens_used = s.total_tokens_used + EXCLUDED.total_tokens_used
)
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
