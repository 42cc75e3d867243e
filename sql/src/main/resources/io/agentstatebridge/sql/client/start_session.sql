-- A new session. Parameters: session_id, agent_id, user_id, agent_type, started_at (NULL: now),
-- metadata (JSON text or NULL).
INSERT INTO public.agent_sessions (session_id, agent_id, user_id, agent_type, started_at, metadata)
VALUES (?, ?, ?, ?, COALESCE(?::timestamptz, now()), ?::jsonb)
