-- Write side: the append-only agent event log and its sessions, as agents write them.
-- Column names and types are the contract with agent code and with the read side; keep them stable.

CREATE TABLE IF NOT EXISTS public.agent_sessions (
    session_id  VARCHAR PRIMARY KEY,
    agent_id    VARCHAR NOT NULL,
    user_id     VARCHAR,
    agent_type  VARCHAR NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    metadata    JSONB
);

CREATE TABLE IF NOT EXISTS public.agent_events (
    event_id    VARCHAR PRIMARY KEY,
    agent_id    VARCHAR NOT NULL,
    session_id  VARCHAR NOT NULL,
    event_type  VARCHAR NOT NULL,
    payload     JSONB,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

-- Serves "the last N events of a session" (WHERE session_id = ? ORDER BY created_at DESC LIMIT N).
CREATE INDEX IF NOT EXISTS agent_events_session_recent_idx
    ON public.agent_events (session_id, created_at DESC);

-- Rejects events the read side could not aggregate, at INSERT time, with a message an agent
-- developer can act on. The regular expression is the cheap path for the common case; only a
-- token_count it does not recognise pays for the exception block (a subtransaction).
CREATE OR REPLACE FUNCTION public.agent_events_validate() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    token_count TEXT;
BEGIN
    IF btrim(NEW.event_type) = '' THEN
        RAISE EXCEPTION 'agent_events.event_type must not be empty (event_id %)', NEW.event_id
            USING ERRCODE = 'check_violation',
                  HINT = 'Use a verb describing what happened, e.g. message_received, tool_called, decision_made.';
    END IF;
    token_count := NEW.payload ->> 'token_count';
    IF token_count IS NOT NULL AND token_count !~ '^\s*[+-]?[0-9]{1,9}\s*$' THEN
        BEGIN
            PERFORM token_count::INT;
        EXCEPTION WHEN OTHERS THEN
            RAISE EXCEPTION 'agent_events.payload.token_count must be an integer between -2147483648 and 2147483647, got "%" (event_id %)',
                    token_count, NEW.event_id
                USING ERRCODE = 'check_violation',
                      HINT = 'Send token_count as a JSON integer, or leave it out when unknown.';
        END;
    END IF;
    RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS agent_events_validate ON public.agent_events;
CREATE TRIGGER agent_events_validate
    BEFORE INSERT OR UPDATE ON public.agent_events
    FOR EACH ROW EXECUTE FUNCTION public.agent_events_validate();
