-- Recomputes agent_current_state for the given agents (parameter: text[]) from the read-side
-- replicas: one index probe per agent for its latest event that has a known session.
WITH affected AS (
    SELECT DISTINCT a.agent_id FROM unnest(?::text[]) AS a(agent_id)
), latest AS (
    SELECT a.agent_id, l.session_id, l.event_type, l.payload, l.created_at,
           l.agent_type, l.user_id, l.started_at
    FROM affected a
    LEFT JOIN LATERAL (
        SELECT e.session_id, e.event_type, e.payload, e.created_at,
               s.agent_type, s.user_id, s.started_at
        FROM public.agent_events e
        JOIN public.agent_sessions s ON s.session_id = e.session_id
        WHERE e.agent_id = a.agent_id
        ORDER BY e.created_at DESC, e.event_id COLLATE "C" DESC
        LIMIT 1
    ) l ON TRUE
), vanished AS (
    DELETE FROM public.agent_current_state c
    USING latest l
    WHERE c.agent_id = l.agent_id AND l.session_id IS NULL
)
INSERT INTO public.agent_current_state AS c (
    agent_id, session_id, last_event_type, payload, last_event_at,
    agent_type, user_id, session_started_at)
SELECT agent_id, session_id, event_type, payload, created_at, agent_type, user_id, started_at
FROM latest
WHERE session_id IS NOT NULL
ON CONFLICT (agent_id) DO UPDATE SET
    session_id         = EXCLUDED.session_id,
    last_event_type    = EXCLUDED.last_event_type,
    payload            = EXCLUDED.payload,
    last_event_at      = EXCLUDED.last_event_at,
    agent_type         = EXCLUDED.agent_type,
    user_id            = EXCLUDED.user_id,
    session_started_at = EXCLUDED.session_started_at
