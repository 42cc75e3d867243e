-- Empties the read side before a load replaces it, in the load's transaction: readers go on
-- seeing the old rows until it commits. DELETE rather than TRUNCATE, which would lock them out.
DELETE FROM public.agent_events;
DELETE FROM public.agent_sessions;
DELETE FROM public.agent_current_state;
DELETE FROM public.session_summary;
DELETE FROM public.agent_task_progress;
DELETE FROM agent_state_bridge.heartbeat;
DELETE FROM agent_state_bridge.rejected_rows
