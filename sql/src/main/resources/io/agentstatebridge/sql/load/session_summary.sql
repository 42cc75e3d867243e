-- session_summary computed once from its definition over freshly loaded replicas. The token
-- count is the definition's cast where it succeeds and 0 where it cannot (see reject_token_counts.sql);
-- the duration is NULL where PostgreSQL cannot subtract infinite times.
INSERT INTO public.session_summary (
    session_id, agent_id, total_events, user_messages, tool_calls, decisions, errors,
    first_event_at, latest_event_at, session_duration, total_tokens_used)
SELECT session_id,
       agent_id,
       COUNT(*),
       COUNT(*) FILTER (WHERE event_type = 'message_received'),
       COUNT(*) FILTER (WHERE event_type = 'tool_called'),
       COUNT(*) FILTER (WHERE event_type = 'decision_made'),
       COUNT(*) FILTER (WHERE event_type = 'error_occurred'),
       MIN(created_at),
       MAX(created_at),
       agent_state_bridge.duration(MAX(created_at), MIN(created_at)),
       SUM(COALESCE(agent_state_bridge.token_count_or_null(payload), 0))
FROM public.agent_events
GROUP BY session_id, agent_id
