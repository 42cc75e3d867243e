-- For groups that lost events this batch: recompute the BOOL_ORs and the latest decision from the
-- read-side replica with index probes, and drop groups with no events left.
-- Parameter: JSON array of {session_id, agent_id}.
WITH groups AS (
    SELECT g.session_id, g.agent_id,
           EXISTS (SELECT 1 FROM public.agent_events e
                    WHERE e.session_id = g.session_id AND e.agent_id = g.agent_id) AS has_events,
           EXISTS (SELECT 1 FROM public.agent_events e
                    WHERE e.session_id = g.session_id AND e.agent_id = g.agent_id
                      AND e.event_type = 'error_occurred') AS had_error,
           EXISTS (SELECT 1 FROM public.agent_events e
                    WHERE e.session_id = g.session_id AND e.agent_id = g.agent_id
                      AND e.event_type = 'session_ended') AS is_closed,
           (SELECT MAX(e.created_at) FROM public.agent_events e
             WHERE e.session_id = g.session_id AND e.agent_id = g.agent_id
               AND e.event_type = 'decision_made') AS last_decision_at
    FROM jsonb_to_recordset(?::jsonb) AS g(session_id text, agent_id text)
), emptied AS (
    DELETE FROM public.agent_task_progress p
    USING groups g
    WHERE p.session_id = g.session_id AND p.agent_id = g.agent_id AND NOT g.has_events
)
UPDATE public.agent_task_progress p
SET had_error        = g.had_error,
    is_closed        = g.is_closed,
    last_decision_at = g.last_decision_at
FROM groups g
WHERE p.session_id = g.session_id AND p.agent_id = g.agent_id AND g.has_events
