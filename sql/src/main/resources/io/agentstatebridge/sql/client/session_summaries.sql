SELECT session_id, agent_id, total_events, user_messages, tool_calls, decisions, errors,
       first_event_at, latest_event_at, EXTRACT(EPOCH FROM session_duration) AS duration_seconds,
       total_tokens_used
FROM public.session_summary
WHERE session_id = ?
ORDER BY agent_id
