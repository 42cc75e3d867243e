-- Read-your-writes: a writer takes the source WAL position after its commit as a token
-- (SELECT pg_current_wal_insert_lsn()); a reader waits until the read side shows every source
-- transaction that committed before that position, then reads.

-- The position up to which the read side is complete: every source transaction whose commit
-- ended at or before it is visible here. Unlike source_position.lsn it does not move while a
-- snapshot is being loaded (the read side is incomplete then), and it is NULL from the moment a
-- snapshot starts emptying the read side until that snapshot is complete.
ALTER TABLE agent_state_bridge.source_position ADD COLUMN visible_lsn PG_LSN;

COMMENT ON COLUMN agent_state_bridge.source_position.visible_lsn IS
    'Every source transaction that committed at or before this WAL position is visible on the read side; '
    'NULL while a snapshot is being loaded.';

-- Waits until the read side shows everything the source committed before `token`, or raises
-- SQLSTATE ASB01 when `timeout_ms` passes first: a caller never mistakes a stale read for a
-- fresh one. Returns the position reached. The wait costs a tiny index lookup every few
-- milliseconds; idle sources still advance within the heartbeat interval (1 s).
--
-- Call it in its own statement, then read: under READ COMMITTED (PostgreSQL's default) each
-- statement sees what was committed before it began. In REPEATABLE READ or SERIALIZABLE the
-- transaction's snapshot is older than the wait, so it refuses to run there.
CREATE FUNCTION agent_state_bridge.await_applied(token PG_LSN, timeout_ms INTEGER DEFAULT 5000,
                                                bridge TEXT DEFAULT NULL)
RETURNS PG_LSN
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    deadline TIMESTAMPTZ := clock_timestamp() + make_interval(secs => GREATEST(timeout_ms, 0) / 1000.0);
    pause    DOUBLE PRECISION := 0.001;
    bridges  INTEGER;
    reached  PG_LSN;
BEGIN
    IF token IS NULL THEN
        RAISE EXCEPTION 'await_applied needs a token'
            USING ERRCODE = '22004',
                  HINT = 'Take it on the source right after the commit: SELECT pg_current_wal_insert_lsn()';
    END IF;
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'await_applied cannot help inside a % transaction: its snapshot predates the wait',
                current_setting('transaction_isolation')
            USING ERRCODE = '25001',
                  HINT = 'Call it in READ COMMITTED (the default), in its own statement before the reads.';
    END IF;
    LOOP
        SELECT count(*), max(p.visible_lsn) INTO bridges, reached
        FROM agent_state_bridge.source_position p
        WHERE bridge IS NULL OR p.bridge_name = bridge;
        IF bridges > 1 THEN
            RAISE EXCEPTION 'more than one bridge applies into this database; name the one that reads your source'
                USING ERRCODE = '22023',
                      HINT = 'SELECT bridge_name FROM agent_state_bridge.source_position, then pass it as the third argument.';
        END IF;
        IF reached >= token THEN
            RETURN reached;
        END IF;
        IF clock_timestamp() >= deadline THEN
            RAISE EXCEPTION 'the read side has not reached source position % within % ms (it shows everything up to %)',
                    token, timeout_ms, COALESCE(reached::TEXT, 'nothing yet: no bridge has completed a snapshot')
                USING ERRCODE = 'ASB01',
                      HINT = 'The bridge is behind or stopped: see agent_state_bridge.replication_lag.';
        END IF;
        PERFORM pg_sleep(LEAST(pause, GREATEST(EXTRACT(EPOCH FROM deadline - clock_timestamp()), 0)));
        pause := LEAST(pause * 2, 0.01);
    END LOOP;
END;
$$;

-- The current position, for readers that want to compare tokens themselves.
CREATE FUNCTION agent_state_bridge.visible_lsn(bridge TEXT DEFAULT NULL)
RETURNS PG_LSN
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT max(p.visible_lsn) FROM agent_state_bridge.source_position p
    WHERE bridge IS NULL OR p.bridge_name = bridge
$$;
