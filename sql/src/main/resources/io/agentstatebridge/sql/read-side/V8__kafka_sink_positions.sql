-- The Kafka Connect sink (module kafka-sink) applies the changes of each topic-partition in its own
-- read-side transactions, several tasks in parallel, each partition holding a disjoint set of agents.
-- Its positions live here, written in the same transaction as the data they cover, so a redelivered
-- record (Connect delivers at least once) is recognised and skipped, whatever task receives it.

CREATE TABLE agent_state_bridge.sink_partition_position (
    -- Which source database the changes come from: a fleet sharded by agent across write databases
    -- runs one source connector per database, and their topics' positions never mix.
    source_name         TEXT        NOT NULL,
    topic               TEXT        NOT NULL,
    kafka_partition     INTEGER     NOT NULL,
    -- Kafka offset of the next record to apply: records below it are already in the read side.
    next_offset         BIGINT      NOT NULL,
    -- Source WAL position reached in this partition: the largest of the applied changes' own
    -- positions and the commit positions the connector reported with them. Every source transaction
    -- of this partition's agents that committed before it is applied.
    lsn                 PG_LSN,
    source_committed_at TIMESTAMPTZ,
    -- The connector's sequence of the last change applied (the commit position before its
    -- transaction, and its own position): it grows along the stream, so a change the source connector
    -- sends again after a restart of its own (with a new Kafka offset) is recognised and skipped.
    last_commit_lsn     BIGINT,
    last_change_lsn     BIGINT,
    applied_at          TIMESTAMPTZ NOT NULL,
    changes_applied     BIGINT      NOT NULL DEFAULT 0,
    PRIMARY KEY (source_name, topic, kafka_partition)
);

COMMENT ON TABLE agent_state_bridge.sink_partition_position IS
    'Kafka Connect sink: how far each topic-partition of each source has been applied, in the same transaction as the data.';

-- Where each agent's changes are applied, and the last source transaction of that agent applied:
-- the per-agent read-your-writes path (await_agent_applied) reads it.
CREATE TABLE agent_state_bridge.sink_agent_position (
    source_name     TEXT    NOT NULL,
    agent_id        TEXT    NOT NULL,
    topic           TEXT    NOT NULL,
    kafka_partition INTEGER NOT NULL,
    -- Source transaction id (32-bit, as logical decoding reports it) of the agent's last applied change.
    last_txid       BIGINT,
    lsn             PG_LSN,
    PRIMARY KEY (source_name, agent_id)
);

-- Waits until the read side shows every change to `agent` that the source committed before `token`,
-- or raises SQLSTATE ASB01 when `timeout_ms` passes first; returns the position reached.
--
-- `token` is the writer's pg_current_wal_insert_lsn() taken right after its commit. Any change written
-- after that point belongs to a transaction that commits after the writer's, so once the agent's
-- partition has applied a change at or past the token, the writer's transaction is applied too.
-- `txid` (optional: the writer's pg_current_xact_id() taken before its commit) lets the wait end as
-- soon as the writer's own transaction is the agent's last one applied, without waiting for later
-- traffic in the partition. Call it in READ COMMITTED, in its own statement, then read.
CREATE FUNCTION agent_state_bridge.await_agent_applied(agent TEXT, token PG_LSN, txid BIGINT DEFAULT NULL,
                                                      timeout_ms INTEGER DEFAULT 5000, source TEXT DEFAULT NULL)
RETURNS PG_LSN
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    deadline TIMESTAMPTZ := clock_timestamp() + make_interval(secs => GREATEST(timeout_ms, 0) / 1000.0);
    pause    DOUBLE PRECISION := 0.001;
    sources  INTEGER;
    reached  PG_LSN;
    own      BOOLEAN;
BEGIN
    IF agent IS NULL OR token IS NULL THEN
        RAISE EXCEPTION 'await_agent_applied needs an agent and a token'
            USING ERRCODE = '22004',
                  HINT = 'Take the token on the source right after the commit: SELECT pg_current_wal_insert_lsn()';
    END IF;
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'await_agent_applied cannot help inside a % transaction: its snapshot predates the wait',
                current_setting('transaction_isolation')
            USING ERRCODE = '25001',
                  HINT = 'Call it in READ COMMITTED (the default), in its own statement before the reads.';
    END IF;
    LOOP
        SELECT count(*),
               max(GREATEST(a.lsn, p.lsn)),
               bool_or(txid IS NOT NULL AND a.last_txid = txid % 4294967296)
        INTO sources, reached, own
        FROM agent_state_bridge.sink_agent_position a
        JOIN agent_state_bridge.sink_partition_position p
          ON p.source_name = a.source_name AND p.topic = a.topic AND p.kafka_partition = a.kafka_partition
        WHERE a.agent_id = agent AND (source IS NULL OR a.source_name = source);
        IF sources > 1 THEN
            RAISE EXCEPTION 'agent % has changes from more than one source; name the one you wrote to', agent
                USING ERRCODE = '22023',
                      HINT = 'SELECT DISTINCT source_name FROM agent_state_bridge.sink_agent_position, then pass it as source.';
        END IF;
        IF own OR reached >= token THEN
            RETURN reached;
        END IF;
        IF clock_timestamp() >= deadline THEN
            RAISE EXCEPTION 'the read side has not shown agent %''s changes up to source position % within % ms (it shows up to %)',
                    agent, token, timeout_ms, COALESCE(reached::TEXT, 'nothing of this agent yet')
                USING ERRCODE = 'ASB01',
                      HINT = 'The sink is behind or stopped, or no later change reached the agent''s partition: see '
                          'agent_state_bridge.sink_partition_position, or pass the writer''s transaction id.';
        END IF;
        PERFORM pg_sleep(LEAST(pause, GREATEST(EXTRACT(EPOCH FROM deadline - clock_timestamp()), 0)));
        pause := LEAST(pause * 2, 0.01);
    END LOOP;
END;
$$;
