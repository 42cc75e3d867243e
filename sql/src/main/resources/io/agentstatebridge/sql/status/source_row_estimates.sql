-- The planner's row estimates of the source tables, on the source: the denominators of snapshot progress.
SELECT n.nspname || '.' || c.relname, GREATEST(c.reltuples, 0)::bigint
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE (n.nspname, c.relname) IN (('public', 'agent_events'), ('public', 'agent_sessions'))
