-- Rebuilds agent_current_state for every agent from the read-side replicas, once, when a
-- snapshot has delivered all rows: the defining query itself, evaluated on the replicas.
INSERT INTO public.agent_current_state (
    agent_id, session_id, last_event_type, payload, last_event_at,
    agent_type, user_id, session_started_at)
SELECT DISTINCT ON (e.agent_id)
       e.agent_id, e.session_id, e.event_type, e.payload, e.created_at,
       s.agent_type, s.user_id, s.started_at
FROM public.agent_events e
JOIN public.agent_sessions s ON s.session_id = e.session_id
ORDER BY e.agent_id, e.created_at DESC, e.event_id COLLATE "C" DESC
