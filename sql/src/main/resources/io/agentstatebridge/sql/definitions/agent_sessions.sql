SELECT session_id, agent_id, user_id, agent_type, started_at, metadata
FROM agent_sessions
