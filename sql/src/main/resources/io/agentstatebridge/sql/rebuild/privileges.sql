-- What the current role lacks to rebuild the read side: creating schemas in the database (for the
-- shadow and the retired tables), and owning, itself or through a role it belongs to, the five
-- tables the swap moves. Both NULL when it lacks nothing.
WITH read_side (name) AS (
    SELECT unnest(ARRAY['agent_sessions', 'agent_events', 'agent_current_state', 'session_summary',
                        'agent_task_progress'])
)
SELECT CASE WHEN NOT has_database_privilege(current_database(), 'CREATE') THEN current_database() END,
       string_agg(format('public.%I', r.name), ', ' ORDER BY r.name)
           FILTER (WHERE NOT pg_has_role(current_user, c.relowner, 'USAGE'))
FROM read_side r
JOIN pg_class c ON c.oid = format('public.%I', r.name)::regclass
