-- Two holes in the validation, closed:
-- * Its fast path decided by a regular expression whose \s, under most locales, also matches
--   Unicode spaces (U+2003, U+3000, ...) that the integer cast does not skip: such a token_count
--   passed validation and then could not be cast by the defining queries. The fast path now accepts
--   only the ASCII whitespace the cast skips; anything else is judged by the cast itself.
-- * created_at 'infinity' or '-infinity' was accepted, but session_summary's duration
--   (MAX(created_at) - MIN(created_at)) cannot be computed for it: before PostgreSQL 17 not at
--   all, from 17 on not when a group's first and latest events are the same infinity.
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
    IF NOT isfinite(NEW.created_at) THEN
        RAISE EXCEPTION 'agent_events.created_at must be a finite time, got % (event_id %)', NEW.created_at, NEW.event_id
            USING ERRCODE = 'check_violation',
                  HINT = 'Leave created_at out to take the time of the insert.';
    END IF;
    token_count := NEW.payload ->> 'token_count';
    IF token_count IS NOT NULL AND token_count !~ '^[ \t\n\r\f\v]*[+-]?[0-9]{1,9}[ \t\n\r\f\v]*$' THEN
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
