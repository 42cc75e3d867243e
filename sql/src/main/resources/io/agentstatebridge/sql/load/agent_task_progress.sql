-- agent_task_progress computed once from its definition over freshly loaded replicas.
INSERT INTO public.agent_task_progress (
    session_id, agent_id, decisions_made, tools_invoked, tasks_completed, had_error, is_closed, last_decision_at)
SELECT session_id,
       agent_id,
       COUNT(*) FILTER (WHERE event_type = 'decision_made'),
       COUNT(*) FILTER (WHERE event_type = 'tool_called'),
       COUNT(*) FILTER (WHERE event_type = 'task_completed'),
       BOOL_OR(event_type = 'error_occurred'),
       BOOL_OR(event_type = 'session_ended'),
       MAX(created_at) FILTER (WHERE event_type = 'decision_made')
FROM public.agent_events
GROUP BY session_id, agent_id
