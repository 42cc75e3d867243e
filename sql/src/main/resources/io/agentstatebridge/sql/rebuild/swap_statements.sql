-- The statements of the swap, in order, run in one read-side transaction: lock the live and the
-- shadow tables; move the live ones out to the retired schema and the shadow ones in (indexes,
-- constraints and statistics travel with their tables); give the new tables the privileges the
-- old ones granted; replace the heartbeat replica, the rejected rows and the bridge's position
-- with the rebuild's (its leader epoch stays). Readers see either the old tables or the new ones, never a mix.
-- Bookkeeping tables are copied, not moved: views and functions refer to them.
-- Parameters: shadow schema, retired schema, bridge name.
WITH read_side (name, ord) AS (
    SELECT name, ord
    FROM unnest(ARRAY['agent_sessions', 'agent_events', 'agent_current_state', 'session_summary',
                      'agent_task_progress']) WITH ORDINALITY AS t(name, ord)
), args AS (
    SELECT ?::text AS shadow, ?::text AS retired, ?::text AS bridge
), statements (step, ord, detail, statement) AS (
    SELECT 1, 0, '', format('LOCK TABLE %s, %s IN ACCESS EXCLUSIVE MODE',
                            string_agg(format('public.%I', r.name), ', ' ORDER BY r.ord),
                            string_agg(format('%I.%I', a.shadow, r.name), ', ' ORDER BY r.ord))
    FROM read_side r, args a
    UNION ALL
    SELECT 2, 0, '', format('CREATE SCHEMA %I', a.retired) FROM args a
    UNION ALL
    SELECT 3, r.ord, '', format('ALTER TABLE public.%I SET SCHEMA %I', r.name, a.retired) FROM read_side r, args a
    UNION ALL
    SELECT 4, r.ord, '', format('ALTER TABLE %I.%I SET SCHEMA public', a.shadow, r.name) FROM read_side r, args a
    UNION ALL
    -- Generated before the moves, from the live tables' privileges; run after them, on the new ones.
    SELECT 5, r.ord, format('%s %s', g.grantee, g.privilege_type),
           format('GRANT %s ON public.%I TO %s%s', g.privilege_type, r.name,
                  CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(g.grantee)) END,
                  CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)
    FROM read_side r
    JOIN pg_class c ON c.oid = format('public.%I', r.name)::regclass
    CROSS JOIN LATERAL aclexplode(COALESCE(c.relacl, acldefault('r', c.relowner))) g
    WHERE g.grantee <> (SELECT oid FROM pg_roles WHERE rolname = current_user)
    UNION ALL
    SELECT 6, 1, '', 'DELETE FROM agent_state_bridge.heartbeat'
    UNION ALL
    SELECT 6, 2, '', format('INSERT INTO agent_state_bridge.heartbeat SELECT * FROM %I.heartbeat', a.shadow) FROM args a
    UNION ALL
    SELECT 6, 3, '', 'DELETE FROM agent_state_bridge.rejected_rows'
    UNION ALL
    SELECT 6, 4, '', format('INSERT INTO agent_state_bridge.rejected_rows SELECT * FROM %I.rejected_rows', a.shadow)
    FROM args a
    UNION ALL
    -- The live position row keeps its leader epoch: the instance that took over applying goes on.
    SELECT 7, 1, '', format('UPDATE agent_state_bridge.source_position p SET source_offset = s.source_offset, '
                            'lsn = s.lsn, source_committed_at = s.source_committed_at, applied_at = s.applied_at, '
                            'batches_applied = s.batches_applied, changes_applied = s.changes_applied, '
                            'visible_lsn = s.visible_lsn FROM %I.source_position s '
                            'WHERE p.bridge_name = s.bridge_name AND s.bridge_name = %L', a.shadow, a.bridge)
    FROM args a
)
SELECT statement FROM statements ORDER BY step, ord, detail
