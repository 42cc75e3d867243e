-- What the bridge needs to know of one write-side table it reads, whoever created it. Parameters:
-- the table (schema-qualified name), then its key column. One row per column of the table, with
-- the table's facts repeated: its kind ('r' plain, 'p' partitioned), its replica identity ('d'
-- primary key, 'f' full, 'i' an index, 'n' nothing), whether the key column alone has a unique
-- index without predicate, and whether the index PostgreSQL logs old keys from covers the key
-- column alone.
WITH t AS (
    SELECT c.oid, c.relkind, c.relreplident
    FROM pg_class c
    WHERE c.oid = ?::regclass
), key_column AS (
    SELECT a.attnum FROM pg_attribute a, t WHERE a.attrelid = t.oid AND a.attname = ? AND NOT a.attisdropped
), key_indexes AS (
    SELECT i.indisprimary, i.indisreplident
    FROM pg_index i, t, key_column k
    WHERE i.indrelid = t.oid AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL
      AND i.indnkeyatts = 1 AND i.indkey[0] = k.attnum
)
SELECT a.attname::text,
       ty.typname::text,
       a.attnotnull,
       t.relkind::text,
       t.relreplident::text,
       EXISTS (SELECT 1 FROM key_indexes)                                  AS key_is_unique,
       CASE t.relreplident
           WHEN 'd' THEN EXISTS (SELECT 1 FROM key_indexes WHERE indisprimary)
           WHEN 'i' THEN EXISTS (SELECT 1 FROM key_indexes WHERE indisreplident)
           WHEN 'f' THEN TRUE
           ELSE FALSE
       END                                                                   AS old_key_logged
FROM t
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type ty ON ty.oid = a.atttypid
ORDER BY a.attnum
