-- Views, materialized views and foreign keys outside the read side that refer to its five tables.
-- They are bound to the tables themselves, not to their names: after a swap they would go on
-- showing the retired tables, and dropping those would drop them. A rebuild refuses while any exist.
WITH read_side (relid) AS (
    SELECT format('public.%I', name)::regclass
    FROM unnest(ARRAY['agent_sessions', 'agent_events', 'agent_current_state', 'session_summary',
                      'agent_task_progress']) AS t(name)
)
SELECT DISTINCT format('%s %s', CASE v.relkind WHEN 'm' THEN 'materialized view' ELSE 'view' END, v.oid::regclass)
FROM pg_depend d
JOIN pg_rewrite r ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
JOIN pg_class v ON v.oid = r.ev_class
WHERE d.refclassid = 'pg_class'::regclass
  AND d.refobjid IN (SELECT relid FROM read_side)
  AND v.oid NOT IN (SELECT relid FROM read_side)
UNION
SELECT format('foreign key %I on %s', c.conname, c.conrelid::regclass)
FROM pg_constraint c
WHERE c.contype = 'f'
  AND c.confrelid IN (SELECT relid FROM read_side)
  AND c.conrelid NOT IN (SELECT relid FROM read_side)
ORDER BY 1
