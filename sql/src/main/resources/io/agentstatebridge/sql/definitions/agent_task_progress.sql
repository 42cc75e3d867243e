SELECT
    session_id,
    agent_id,
    COUNT(*) FILTER (WHERE event_type = 'decision_made')        AS decisions_made,
    COUNT(*) FILTER (WHERE event_type = 'tool_called')          AS tools_invoked,
    COUNT(*) FILTER (WHERE event_type = 'task_completed')       AS tasks_completed,
    BOOL_OR(event_type = 'error_occurred')                      AS had_error,
    BOOL_OR(event_type = 'session_ended')                       AS is_closed,
    MAX(created_at) FILTER (WHERE event_type = 'decision_made') AS last_decision_at
FROM agent_events
GROUP BY session_id, agent_id
