-- The in-database alternative the benchmark compares the bridge with: the three projections kept
-- as tables on the write side itself, maintained synchronously by an AFTER INSERT row trigger on
-- agent_events, so every writer pays for them inside its own transaction and writers of the same
-- agent or session queue on the same projection rows.
--
-- Insert-only on purpose: the benchmark's writers only append, so updates, deletes and truncates
-- of agent_events and late-arriving sessions are not maintained here (the bridge maintains all of
-- them). Within that scope the tables equal the definitions in definitions/. Ties on created_at go
-- to the greatest event_id (byte order), as in the definition, through the extra column
-- last_event_id.

CREATE TABLE public.agent_current_state (
    agent_id            VARCHAR PRIMARY KEY,
    session_id          VARCHAR NOT NULL,
    last_event_type     VARCHAR NOT NULL,
    payload             JSONB,
    last_event_at       TIMESTAMPTZ NOT NULL,
    agent_type          VARCHAR NOT NULL,
    user_id             VARCHAR,
    session_started_at  TIMESTAMPTZ NOT NULL,
    last_event_id       VARCHAR NOT NULL
);

CREATE TABLE public.session_summary (
    session_id         VARCHAR NOT NULL,
    agent_id           VARCHAR NOT NULL,
    total_events       BIGINT NOT NULL,
    user_messages      BIGINT NOT NULL,
    tool_calls         BIGINT NOT NULL,
    decisions          BIGINT NOT NULL,
    errors             BIGINT NOT NULL,
    first_event_at     TIMESTAMPTZ NOT NULL,
    latest_event_at    TIMESTAMPTZ NOT NULL,
    session_duration   INTERVAL NOT NULL,
    total_tokens_used  BIGINT NOT NULL,
    PRIMARY KEY (session_id, agent_id)
);

CREATE TABLE public.agent_task_progress (
    session_id        VARCHAR NOT NULL,
    agent_id          VARCHAR NOT NULL,
    decisions_made    BIGINT NOT NULL,
    tools_invoked     BIGINT NOT NULL,
    tasks_completed   BIGINT NOT NULL,
    had_error         BOOLEAN NOT NULL,
    is_closed         BOOLEAN NOT NULL,
    last_decision_at  TIMESTAMPTZ,
    PRIMARY KEY (session_id, agent_id)
);

CREATE FUNCTION public.agent_events_maintain_projections() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    session public.agent_sessions%ROWTYPE;
BEGIN
    SELECT * INTO session FROM public.agent_sessions WHERE session_id = NEW.session_id;
    IF FOUND THEN
        INSERT INTO public.agent_current_state AS c
        VALUES (NEW.agent_id, NEW.session_id, NEW.event_type, NEW.payload, NEW.created_at,
                session.agent_type, session.user_id, session.started_at, NEW.event_id)
        ON CONFLICT (agent_id) DO UPDATE
            SET session_id = EXCLUDED.session_id, last_event_type = EXCLUDED.last_event_type,
                payload = EXCLUDED.payload, last_event_at = EXCLUDED.last_event_at,
                agent_type = EXCLUDED.agent_type, user_id = EXCLUDED.user_id,
                session_started_at = EXCLUDED.session_started_at, last_event_id = EXCLUDED.last_event_id
            WHERE (EXCLUDED.last_event_at, EXCLUDED.last_event_id COLLATE "C")
                > (c.last_event_at, c.last_event_id COLLATE "C");
    END IF;

    INSERT INTO public.session_summary AS s
    VALUES (NEW.session_id, NEW.agent_id, 1,
            (NEW.event_type = 'message_received')::INT, (NEW.event_type = 'tool_called')::INT,
            (NEW.event_type = 'decision_made')::INT, (NEW.event_type = 'error_occurred')::INT,
            NEW.created_at, NEW.created_at, INTERVAL '0',
            COALESCE((NEW.payload ->> 'token_count')::INT, 0))
    ON CONFLICT (session_id, agent_id) DO UPDATE
        SET total_events = s.total_events + 1,
            user_messages = s.user_messages + EXCLUDED.user_messages,
            tool_calls = s.tool_calls + EXCLUDED.tool_calls,
            decisions = s.decisions + EXCLUDED.decisions,
            errors = s.errors + EXCLUDED.errors,
            first_event_at = LEAST(s.first_event_at, EXCLUDED.first_event_at),
            latest_event_at = GREATEST(s.latest_event_at, EXCLUDED.latest_event_at),
            session_duration = GREATEST(s.latest_event_at, EXCLUDED.latest_event_at)
                             - LEAST(s.first_event_at, EXCLUDED.first_event_at),
            total_tokens_used = s.total_tokens_used + EXCLUDED.total_tokens_used;

    INSERT INTO public.agent_task_progress AS p
    VALUES (NEW.session_id, NEW.agent_id,
            (NEW.event_type = 'decision_made')::INT, (NEW.event_type = 'tool_called')::INT,
            (NEW.event_type = 'task_completed')::INT,
            NEW.event_type = 'error_occurred', NEW.event_type = 'session_ended',
            CASE WHEN NEW.event_type = 'decision_made' THEN NEW.created_at END)
    ON CONFLICT (session_id, agent_id) DO UPDATE
        SET decisions_made = p.decisions_made + EXCLUDED.decisions_made,
            tools_invoked = p.tools_invoked + EXCLUDED.tools_invoked,
            tasks_completed = p.tasks_completed + EXCLUDED.tasks_completed,
            had_error = p.had_error OR EXCLUDED.had_error,
            is_closed = p.is_closed OR EXCLUDED.is_closed,
            last_decision_at = GREATEST(p.last_decision_at, EXCLUDED.last_decision_at);
    RETURN NULL;
END
$$;

CREATE TRIGGER agent_events_maintain_projections
    AFTER INSERT ON public.agent_events
    FOR EACH ROW EXECUTE FUNCTION public.agent_events_maintain_projections();
