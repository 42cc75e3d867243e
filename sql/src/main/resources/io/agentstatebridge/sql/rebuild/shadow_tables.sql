-- The statements creating empty copies of the read side in a shadow schema, in order: the five
-- tables with their columns, defaults, checks and storage (step 1); copies of the bookkeeping the
-- applier writes (position, heartbeat replica, rejected rows; step 4); then, once the tables are
-- filled, their primary keys and unique constraints (step 2) and their other indexes (step 3)
-- under the original names (index names are per schema, and the migrations name them: they must
-- still match after the swap). Building indexes after a bulk load is several times cheaper than
-- maintaining them row by row. Parameter: the shadow schema, existing and empty. Returns each
-- statement with its step.
WITH read_side (name, ord) AS (
    SELECT name, ord
    FROM unnest(ARRAY['agent_sessions', 'agent_events', 'agent_current_state', 'session_summary',
                      'agent_task_progress']) WITH ORDINALITY AS t(name, ord)
), shadow AS (
    SELECT ?::text AS schema
), statements (step, ord, detail, statement) AS (
    SELECT 1, r.ord, '', format('CREATE TABLE %I.%I (LIKE public.%I INCLUDING ALL EXCLUDING INDEXES)',
                                s.schema, r.name, r.name)
    FROM read_side r, shadow s
    UNION ALL
    SELECT 2, r.ord, c.conname::text, format('ALTER TABLE %I.%I ADD CONSTRAINT %I %s',
                                             s.schema, r.name, c.conname, pg_get_constraintdef(c.oid))
    FROM read_side r
    JOIN pg_constraint c ON c.conrelid = format('public.%I', r.name)::regclass AND c.contype IN ('p', 'u', 'x')
    CROSS JOIN shadow s
    UNION ALL
    -- pg_get_indexdef always qualifies the table: "CREATE INDEX n ON public.t USING ..."
    SELECT 3, r.ord, ic.relname::text, replace(pg_get_indexdef(i.indexrelid),
                                               format(' ON public.%I USING ', r.name),
                                               format(' ON %I.%I USING ', s.schema, r.name))
    FROM read_side r
    JOIN pg_index i ON i.indrelid = format('public.%I', r.name)::regclass
    JOIN pg_class ic ON ic.oid = i.indexrelid
    CROSS JOIN shadow s
    WHERE NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)
    UNION ALL
    SELECT 4, b.ord, '', format('CREATE TABLE %I.%I (LIKE agent_state_bridge.%I INCLUDING ALL)', s.schema, b.name, b.name)
    FROM unnest(ARRAY['source_position', 'heartbeat', 'rejected_rows']) WITH ORDINALITY AS b(name, ord), shadow s
)
SELECT statement, step FROM statements ORDER BY step IN (2, 3), step, ord, detail
