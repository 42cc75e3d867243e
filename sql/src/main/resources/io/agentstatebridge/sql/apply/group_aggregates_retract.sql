-- For (session_id, agent_id) groups that lost events this batch: what cannot be retracted
-- (MIN, MAX, BOOL_OR, latest decision) is read again from the read-side replica, already up to
-- date in this transaction, with index probes; groups with no events left are dropped from both
-- projections. Parameter: JSON array of {session_id, agent_id}.
WITH groups AS (
    SELECT g.session_id, g.agent_id,
           (SELECT MIN(e.created_at) FROM public.agent_events e
             WHERE e.session_id = g.session_id AND e.agent_id = g.agent_id) AS first_event_at,
           (SELECT MAX(e.created_at) FROM public.agent_events e
             WHERE e.session_id = g.session_id AND e.agent_id = g.agent_id) AS latest_event_at,
           EXISTS (SELECT 1 FROM public.agent_events e
                    WHERE e.session_id = g.session_id AND e.event_type = 'error_occurred'
                      AND e.agent_id = g.agent_id) AS had_error,
           EXISTS (SELECT 1 FROM public.agent_events e
                    WHERE e.session_id = g.session_id AND e.event_type = 'session_ended'
                      AND e.agent_id = g.agent_id) AS is_closed,
           (SELECT MAX(e.created_at) FROM public.agent_events e
             WHERE e.session_id = g.session_id AND e.event_type = 'decision_made'
               AND e.agent_id = g.agent_id) AS last_decision_at
    FROM jsonb_to_recordset(?::jsonb) AS g(session_id text, agent_id text)
), emptied_summaries AS (
    DELETE FROM public.session_summary s
    USING groups g
    WHERE s.session_id = g.session_id AND s.agent_id = g.agent_id AND g.first_event_at IS NULL
), emptied_progress AS (
    DELETE FROM public.agent_task_progress p
    USING groups g
    WHERE p.session_id = g.session_id AND p.agent_id = g.agent_id AND g.first_event_at IS NULL
), narrowed_summaries AS (
    UPDATE public.session_summary s
    SET first_event_at   = g.first_event_at,
        latest_event_at  = g.latest_event_at,
        session_duration = agent_state_bridge.duration(g.latest_event_at, g.first_event_at)
    FROM groups g
    WHERE s.session_id = g.session_id AND s.agent_id = g.agent_id AND g.first_event_at IS NOT NULL
)
UPDATE public.agent_task_progress p
SET had_error        = g.had_error,
    is_closed        = g.is_closed,
    last_decision_at = g.last_decision_at
FROM groups g
WHERE p.session_id = g.session_id AND p.agent_id = g.agent_id AND g.first_event_at IS NOT NULL
