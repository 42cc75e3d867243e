SELECT agent_id, session_id, last_event_type, payload, last_event_at, agent_type, user_id, session_started_at
FROM public.agent_current_state
WHERE agent_id = ?
