-- Agents whose current state a session change can alter. Parameter 1 (text[]): sessions updated
-- or removed: only agents currently shown in them. Parameter 2 (text[]): sessions that appeared:
-- every agent with events in them, since their events just became visible to the join.
SELECT c.agent_id FROM public.agent_current_state c WHERE c.session_id = ANY(?::text[])
UNION
SELECT DISTINCT e.agent_id FROM public.agent_events e WHERE e.session_id = ANY(?::text[])
