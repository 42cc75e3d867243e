-- Every index of the events replica is paid on every event applied: this one cost about a third of
-- the COPY into agent_events. It served only the recomputation of a session group's flags and
-- latest decision after events leave the group (an UPDATE or DELETE of events, rare in an
-- append-only log), which agent_events_session_recent_idx (session_id, created_at) serves as well:
-- a session's events are few. The indexes left are the key, the readers' "last N events of a
-- session", and the one probe per agent that recomputes agent_current_state.
DROP INDEX IF EXISTS public.agent_events_session_type_idx;
