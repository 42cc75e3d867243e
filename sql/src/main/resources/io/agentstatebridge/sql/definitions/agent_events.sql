SELECT event_id, agent_id, session_id, event_type, payload, created_at
FROM agent_events
