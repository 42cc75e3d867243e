-- Benchmark data: the events numbered $1 to $2 (inclusive), in one statement, with the session row
-- of every event that opens a session. Deterministic in the event number, so any writer can produce
-- any slice: 1,000 agents take turns (event i belongs to agent i % 1000), each agent's sessions are
-- 50 events long, event types follow the load generator's mix, and payloads carry token_count
-- where the load generator's do. event_id is a UUID-shaped hash, so inserts land all over the
-- primary key like real UUIDs do. created_at is the insert time of each row.
WITH series AS (
    SELECT i,
           i % 1000                        AS agent,
           (i / 1000) % 50                 AS position_in_session,
           'sess-' || (i % 1000) || '-' || (i / 1000 / 50) AS session_id,
           abs(hashint8(i)) % 100          AS dice,
           abs(hashint8(-i - 1)) % 1000    AS amount
    FROM generate_series(?::bigint, ?::bigint) AS i
), sessions AS (
    INSERT INTO agent_sessions (session_id, agent_id, user_id, agent_type, started_at, metadata)
    SELECT session_id, 'agent-' || agent, 'user-' || (agent % 997),
           (ARRAY['support', 'coder', 'researcher', 'planner'])[1 + agent % 4], clock_timestamp(),
           jsonb_build_object('channel', CASE WHEN agent % 2 = 0 THEN 'web' ELSE 'api' END)
    FROM series
    WHERE position_in_session = 0
)
INSERT INTO agent_events (event_id, agent_id, session_id, event_type, payload, created_at)
SELECT md5('evt-' || i)::uuid::text, 'agent-' || agent, session_id, event_type, payload, clock_timestamp()
FROM series,
LATERAL (SELECT CASE
        WHEN position_in_session = 0  THEN 'session_started'
        WHEN position_in_session = 49 THEN 'session_ended'
        WHEN dice < 30 THEN 'message_received'
        WHEN dice < 52 THEN 'tool_called'
        WHEN dice < 70 THEN 'tool_result'
        WHEN dice < 88 THEN 'decision_made'
        WHEN dice < 92 THEN 'error_occurred'
        WHEN dice < 98 THEN 'task_completed'
        ELSE 'agent_paused' END AS event_type) AS t,
LATERAL (SELECT CASE t.event_type
        WHEN 'session_started'  THEN jsonb_build_object('agent_type', (ARRAY['support', 'coder', 'researcher', 'planner'])[1 + agent % 4])
        WHEN 'session_ended'    THEN jsonb_build_object('reason', CASE WHEN amount % 10 = 0 THEN 'timeout' ELSE 'completed' END)
        WHEN 'message_received' THEN jsonb_build_object('token_count', 20 + amount % 800, 'role', 'user')
        WHEN 'tool_called'      THEN jsonb_build_object('tool', (ARRAY['search', 'calculator', 'crm_lookup', 'send_email', 'run_sql'])[1 + amount % 5],
                                                        'token_count', 5 + amount % 120)
        WHEN 'tool_result'      THEN jsonb_build_object('status', 'ok', 'latency_ms', amount * 2)
        WHEN 'decision_made'    THEN jsonb_build_object('action', 'reply', 'confidence', round((amount % 90 + 10) / 100.0, 2),
                                                        'token_count', 50 + amount % 400)
        WHEN 'error_occurred'   THEN jsonb_build_object('error', 'tool timeout', 'retryable', true)
        WHEN 'task_completed'   THEN jsonb_build_object('task', 'answer', 'token_count', amount % 50)
        END AS payload) AS p
