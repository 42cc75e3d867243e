-- Read side: replicas of the write-side tables, the three projections, and the bridge's bookkeeping.
-- Projection columns carry the names and types of the defining queries (see definitions/), so
-- readers' queries written against those views run unchanged here.

CREATE TABLE public.agent_sessions (
    session_id  VARCHAR PRIMARY KEY,
    agent_id    VARCHAR NOT NULL,
    user_id     VARCHAR,
    agent_type  VARCHAR NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL,
    metadata    JSONB
);

CREATE TABLE public.agent_events (
    event_id    VARCHAR PRIMARY KEY,
    agent_id    VARCHAR NOT NULL,
    session_id  VARCHAR NOT NULL,
    event_type  VARCHAR NOT NULL,
    payload     JSONB,
    created_at  TIMESTAMPTZ NOT NULL
);

-- "The last N events of a session", as on the write side.
CREATE INDEX agent_events_session_recent_idx
    ON public.agent_events (session_id, created_at DESC);
-- The latest event of one agent: recomputing agent_current_state for an agent is one index probe.
CREATE INDEX agent_events_agent_latest_idx
    ON public.agent_events (agent_id, created_at DESC, event_id COLLATE "C" DESC);
-- After events leave a (session, agent) group: MIN/MAX of the group use the index above (a
-- session's events nearly always belong to one agent); the flags and the latest decision use
-- this one. Every index slows every insert, so there are no more than these.
CREATE INDEX agent_events_session_type_idx
    ON public.agent_events (session_id, event_type, created_at);

CREATE TABLE public.agent_current_state (
    agent_id            VARCHAR PRIMARY KEY,
    session_id          VARCHAR NOT NULL,
    last_event_type     VARCHAR NOT NULL,
    payload             JSONB,
    last_event_at       TIMESTAMPTZ NOT NULL,
    agent_type          VARCHAR NOT NULL,
    user_id             VARCHAR,
    session_started_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX agent_current_state_session_idx ON public.agent_current_state (session_id);

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

-- Bookkeeping. The source position is written in the same transaction as the data it covers:
-- whatever survives a crash, data and position agree.
CREATE TABLE agent_state_bridge.source_position (
    bridge_name          TEXT PRIMARY KEY,
    source_offset        TEXT NOT NULL,
    lsn                  PG_LSN,
    source_committed_at  TIMESTAMPTZ,
    applied_at           TIMESTAMPTZ NOT NULL,
    batches_applied      BIGINT NOT NULL,
    changes_applied      BIGINT NOT NULL
);

-- Replica of the source heartbeat table: the latest marker that has made it through the stream.
CREATE TABLE agent_state_bridge.heartbeat (
    bridge_name TEXT PRIMARY KEY,
    beat_at     TIMESTAMPTZ NOT NULL,
    marker      BIGINT NOT NULL
);

-- Source rows the defining queries cannot evaluate (possible only on a write side without our
-- validation). They are counted as the bridge documents and listed here for someone to fix.
CREATE TABLE agent_state_bridge.rejected_rows (
    id            BIGSERIAL PRIMARY KEY,
    source_table  TEXT NOT NULL,
    row_key       TEXT NOT NULL,
    reason        TEXT NOT NULL,
    row_data      JSONB,
    rejected_at   TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

-- PostgreSQL's own verdict on text::INT: the value, or NULL where the cast would fail. An
-- exception block costs a subtransaction, so only unusual values come here (see below).
CREATE FUNCTION agent_state_bridge.int_or_null(value TEXT) RETURNS INTEGER
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN value::INT;
EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
END
$$;

-- (payload->>'token_count')::INT, or NULL where that cast would fail. Plain SQL, so the planner
-- inlines it: the regular expression decides the common case without any function call.
CREATE FUNCTION agent_state_bridge.token_count_or_null(payload JSONB) RETURNS INTEGER
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN payload ->> 'token_count' IS NULL THEN NULL
        WHEN payload ->> 'token_count' ~ '^\s*[+-]?[0-9]{1,9}\s*$' THEN (payload ->> 'token_count')::INT
        ELSE agent_state_bridge.int_or_null(payload ->> 'token_count')
    END
$$;

-- TRUE when payload carries a token_count the defining query could not cast to INT.
CREATE FUNCTION agent_state_bridge.token_count_is_invalid(payload JSONB) RETURNS BOOLEAN
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT payload ->> 'token_count' IS NOT NULL
       AND payload ->> 'token_count' !~ '^\s*[+-]?[0-9]{1,9}\s*$'
       AND agent_state_bridge.int_or_null(payload ->> 'token_count') IS NULL
$$;
