-- Fencing. An instance that takes over applying for a bridge name raises leader_epoch; every batch
-- locks the position row and checks the epoch before it writes, and commits with that lock held.
-- An instance that lost the lead without noticing (its connection to the read side outlived a
-- partition) therefore cannot commit a batch behind the new active instance's batches. The row now
-- exists from the takeover on, before anything is applied: source_offset is NULL until then.
ALTER TABLE agent_state_bridge.source_position ALTER COLUMN source_offset DROP NOT NULL;
ALTER TABLE agent_state_bridge.source_position ALTER COLUMN applied_at DROP NOT NULL;
ALTER TABLE agent_state_bridge.source_position ADD COLUMN leader_epoch BIGINT NOT NULL DEFAULT 0;

COMMENT ON COLUMN agent_state_bridge.source_position.leader_epoch IS
    'Raised by each instance that takes over applying for this bridge; a batch commits only under the epoch it was started with.';

-- (payload->>'token_count')::INT decided without locale: the integer input function skips only
-- ASCII whitespace, while \s in a regular expression also matches Unicode spaces (U+2003, U+3000,
-- ...) under most locales, which let such a value take the fast path and fail the cast there.
CREATE OR REPLACE FUNCTION agent_state_bridge.token_count_or_null(payload JSONB) RETURNS INTEGER
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN payload ->> 'token_count' IS NULL THEN NULL
        WHEN payload ->> 'token_count' ~ '^[ \t\n\r\f\v]*[+-]?[0-9]{1,9}[ \t\n\r\f\v]*$' THEN (payload ->> 'token_count')::INT
        ELSE agent_state_bridge.int_or_null(payload ->> 'token_count')
    END
$$;

CREATE OR REPLACE FUNCTION agent_state_bridge.token_count_is_invalid(payload JSONB) RETURNS BOOLEAN
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT payload ->> 'token_count' IS NOT NULL
       AND payload ->> 'token_count' !~ '^[ \t\n\r\f\v]*[+-]?[0-9]{1,9}[ \t\n\r\f\v]*$'
       AND agent_state_bridge.int_or_null(payload ->> 'token_count') IS NULL
$$;

-- session_summary.session_duration is MAX(created_at) - MIN(created_at), which PostgreSQL cannot
-- compute for infinite timestamps (before 17 for any; from 17 when both are the same infinity),
-- nor for finite ones more than about 292,000 years apart.
-- The write side's validation rejects infinite created_at; on a write side without it, such a
-- group gets a NULL duration here instead of stopping the bridge.
ALTER TABLE public.session_summary ALTER COLUMN session_duration DROP NOT NULL;

CREATE FUNCTION agent_state_bridge.duration_or_null(latest TIMESTAMPTZ, first TIMESTAMPTZ) RETURNS INTERVAL
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN latest - first;
EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
END
$$;

-- latest - first where PostgreSQL can compute it, else NULL; plain SQL, so the planner inlines it
-- and ordinary times never pay for the exception block. Finite times can fail too: an interval
-- holds at most about 292,000 years of microseconds, less than the span of timestamptz.
CREATE FUNCTION agent_state_bridge.duration(latest TIMESTAMPTZ, first TIMESTAMPTZ) RETURNS INTERVAL
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN isfinite(latest) AND isfinite(first)
                     AND abs(EXTRACT(EPOCH FROM latest) - EXTRACT(EPOCH FROM first)) < 9000000000000
                THEN latest - first
                ELSE agent_state_bridge.duration_or_null(latest, first) END
$$;
