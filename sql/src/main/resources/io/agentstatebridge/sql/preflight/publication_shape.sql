-- An existing publication as the bridge needs to see it. Parameter: the publication name. The
-- first row (table_name NULL) describes the publication: whether it publishes every operation and
-- whether it publishes partitioned tables under their root's name. Then one row per published
-- write-side or bookkeeping table: its row filter, if any, and whether it publishes every column.
-- Row filters and column lists exist from PostgreSQL 15 on; to_jsonb reads them where present.
WITH args AS (
    SELECT ?::text AS pubname
)
SELECT NULL::text AS table_name,
       p.pubinsert AND p.pubupdate AND p.pubdelete AND p.pubtruncate AS publishes_all,
       p.pubviaroot AS via_root,
       NULL::text AS row_filter,
       TRUE AS all_columns
FROM pg_publication p, args
WHERE p.pubname = args.pubname
UNION ALL
SELECT format('%I.%I', pt.schemaname, pt.tablename),
       NULL, NULL,
       to_jsonb(pt) ->> 'rowfilter',
       to_jsonb(pt) -> 'attnames' IS NULL OR jsonb_typeof(to_jsonb(pt) -> 'attnames') = 'null'
           OR NOT EXISTS (
               SELECT 1 FROM pg_attribute a
               WHERE a.attrelid = format('%I.%I', pt.schemaname, pt.tablename)::regclass
                 AND a.attnum > 0 AND NOT a.attisdropped
                 AND a.attname::text NOT IN (SELECT jsonb_array_elements_text(to_jsonb(pt) -> 'attnames')))
FROM pg_publication_tables pt, args
WHERE pt.pubname = args.pubname
  AND (pt.schemaname, pt.tablename) IN (('public', 'agent_events'), ('public', 'agent_sessions'),
                                        ('agent_state_bridge', 'heartbeat'))
ORDER BY 1 NULLS FIRST
