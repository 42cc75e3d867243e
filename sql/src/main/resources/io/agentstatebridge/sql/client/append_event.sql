-- One event appended to the log. Parameters: event_id, agent_id, session_id, event_type,
-- payload (JSON text or NULL), created_at (NULL: the source's clock when the row is written, so
-- events appended in one transaction keep their order; the column default now() would make them tie).
INSERT INTO public.agent_events (event_id, agent_id, session_id, event_type, payload, created_at)
VALUES (?, ?, ?, ?, ?::jsonb, COALESCE(?::timestamptz, clock_timestamp()))
