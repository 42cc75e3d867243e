-- For groups that lost events this batch: MIN/MAX cannot be retracted, so read them again from
-- the read-side replica (already up to date in this transaction), one index probe each, and drop
-- the groups that have no events left. Parameter: JSON array of {session_id, agent_id}.
WITH groups AS (
    SELECT g.session_id, g.agent_id,
           (SELECT MIN(e.created_at) FROM public.agent_events e
             WHERE e.session_id = g.session_id AND e.agent_id = g.agent_id) AS first_event_at,
           (SELECT MAX(e.created_at) FROM public.agent_events e
             WHERE e.session_id = g.session_id AND e.agent_id = g.agent_id) AS latest_event_at
    FROM jsonb_to_recordset(?::jsonb) AS g(session_id text, agent_id text)
), emptied AS (
    DELETE FROM public.session_summary s
    USING groups g
    WHERE s.session_id = g.session_id AND s.agent_id = g.agent_id AND g.first_event_at IS NULL
)
UPDATE public.session_summary s
SET first_event_at   = g.first_event_at,
    latest_event_at  = g.latest_event_at,
    session_duration = g.latest_event_at - g.first_event_at
FROM groups g
WHERE s.session_id = g.session_id AND s.agent_id = g.agent_id AND g.first_event_at IS NOT NULL
