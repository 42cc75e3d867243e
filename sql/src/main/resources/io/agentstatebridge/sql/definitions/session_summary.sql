SELECT
    session_id,
    agent_id,
    COUNT(*)                                                AS total_events,
    COUNT(*) FILTER (WHERE event_type = 'message_received') AS user_messages,
    COUNT(*) FILTER (WHERE event_type = 'tool_called')      AS tool_calls,
    COUNT(*) FILTER (WHERE event_type = 'decision_made')    AS decisions,
    COUNT(*) FILTER (WHERE event_type = 'error_occurred')   AS errors,
    MIN(created_at)                                         AS first_event_at,
    MAX(created_at)                                         AS latest_event_at,
    MAX(created_at) - MIN(created_at)                       AS session_duration,
    SUM(COALESCE((payload ->> 'token_count')::INT, 0))      AS total_tokens_used
FROM agent_events
GROUP BY session_id, agent_id
