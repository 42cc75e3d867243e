-- Sets a session's user (when given) and merges keys into its metadata (top-level keys replaced).
-- Parameters: user_id (NULL: unchanged), metadata patch (JSON object text or NULL), session_id.
UPDATE public.agent_sessions
SET user_id  = COALESCE(?, user_id),
    metadata = COALESCE(metadata, '{}'::jsonb) || COALESCE(?::jsonb, '{}'::jsonb)
WHERE session_id = ?
