SELECT session_id, agent_id, decisions_made, tools_invoked, tasks_completed, had_error, is_closed, last_decision_at
FROM public.agent_task_progress
WHERE session_id = ?
ORDER BY agent_id
