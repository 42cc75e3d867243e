-- The last N events of a session, newest first (agent_events_session_recent_idx).
SELECT event_id, agent_id, session_id, event_type, payload, created_at
FROM public.agent_events
WHERE session_id = ?
ORDER BY created_at DESC, event_id COLLATE "C" DESC
LIMIT ?
