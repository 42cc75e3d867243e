-- Least-privilege roles on the read side, for `agent-state-bridge migrate --create-roles`.
--
-- Run by the owner of the read-side tables (the role that ran the read-side migrations) with the
-- right to create roles. The bridge's role does not own the read side: it writes every table but
-- changes no schema, so upgrades run `migrate` again as the owner. Safe to run again: roles are
-- created when missing, and each role's privileges on these tables are reset to exactly these.
--
-- Parameters arrive as settings and role names reach SQL only through format('%I'):
--   agent_state_bridge.bridge_role, agent_state_bridge.reader_role  role names
--   agent_state_bridge.reader_login  'true' when the reader role is to log in itself (a password
--                                    is set next); otherwise it stays a group role
DO $roles$
DECLARE
    bridge       TEXT    := current_setting('agent_state_bridge.bridge_role');
    reader       TEXT    := current_setting('agent_state_bridge.reader_role');
    reader_login BOOLEAN := current_setting('agent_state_bridge.reader_login')::BOOLEAN;
    read_side    TEXT    := 'public.agent_events, public.agent_sessions, public.agent_current_state, '
                         || 'public.session_summary, public.agent_task_progress';
    role_name    TEXT;
BEGIN
    FOREACH role_name IN ARRAY ARRAY[bridge, reader] LOOP
        IF role_name = current_user THEN
            RAISE EXCEPTION 'role "%" is the role running migrate; it cannot also be given least privileges', role_name
                USING HINT = 'Run migrate --create-roles as the owner of the read side or a superuser, '
                          || 'and name the roles to create with --bridge-role and --reader-role.';
        END IF;
        IF EXISTS (SELECT FROM pg_roles WHERE rolname = role_name AND rolsuper) THEN
            RAISE EXCEPTION 'role "%" is a superuser, so no privilege can be withheld from it', role_name
                USING HINT = 'Choose another name with --bridge-role or --reader-role.';
        END IF;
    END LOOP;

    -- The bridge applies batches (COPY into the replicas, upserts, TRUNCATE when the source
    -- truncates or a snapshot replaces the read side), stores its position and status, and at
    -- start confirms from the migration history that the schema is current. No CREATE anywhere.
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = bridge) THEN
        EXECUTE format('CREATE ROLE %I LOGIN', bridge);
    ELSE
        EXECUTE format('ALTER ROLE %I LOGIN', bridge);
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA public, agent_state_bridge TO %I', bridge);
    EXECUTE format('REVOKE ALL ON %s FROM %I', read_side, bridge);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON %s TO %I', read_side, bridge);
    EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA agent_state_bridge FROM %I', bridge);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON agent_state_bridge.source_position, '
                   || 'agent_state_bridge.heartbeat, agent_state_bridge.rejected_rows, agent_state_bridge.status, '
                   || 'agent_state_bridge.instances TO %I', bridge);
    -- The Kafka Connect sink (kafka-sink), which applies as this role too, keeps its positions here.
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON agent_state_bridge.sink_partition_position, '
                   || 'agent_state_bridge.sink_agent_position TO %I', bridge);
    EXECUTE format('GRANT SELECT ON agent_state_bridge.replication_lag, agent_state_bridge.instance_status, '
                   || 'agent_state_bridge.replica_lag, agent_state_bridge.schema_history_read_side TO %I', bridge);
    EXECUTE format('GRANT USAGE ON SEQUENCE agent_state_bridge.rejected_rows_id_seq TO %I', bridge);

    -- Readers query the projections, the replicas and the bridge's status, and nothing else: not
    -- its position, rejected rows or migration history, and they write nowhere.
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = reader) THEN
        EXECUTE format('CREATE ROLE %I NOLOGIN', reader);
    END IF;
    IF reader_login THEN
        EXECUTE format('ALTER ROLE %I LOGIN', reader);
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA public, agent_state_bridge TO %I', reader);
    EXECUTE format('REVOKE ALL ON %s FROM %I', read_side, reader);
    EXECUTE format('GRANT SELECT ON %s TO %I', read_side, reader);
    EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA agent_state_bridge FROM %I', reader);
    EXECUTE format('GRANT SELECT ON agent_state_bridge.status, agent_state_bridge.replication_lag, '
                   || 'agent_state_bridge.instance_status, agent_state_bridge.replica_lag TO %I', reader);

    RAISE NOTICE 'role "%" (LOGIN): SELECT, INSERT, UPDATE, DELETE, TRUNCATE on the read-side tables; no CREATE, does not own them',
        bridge;
    RAISE NOTICE 'role "%" (%): SELECT on the projections, the replicas, agent_state_bridge.status, replication_lag, instance_status and replica_lag',
        reader, CASE WHEN (SELECT rolcanlogin FROM pg_roles WHERE rolname = reader) THEN 'LOGIN'
                     ELSE 'NOLOGIN: GRANT it to the roles your readers log in as' END;

    -- Before PostgreSQL 15 every role may create tables in schema public: say so rather than
    -- change a database-wide default behind the operator's back.
    FOREACH role_name IN ARRAY ARRAY[bridge, reader] LOOP
        IF has_schema_privilege(role_name, 'public', 'CREATE') THEN
            RAISE WARNING 'role "%" may create objects in schema public (PUBLIC may, as before PostgreSQL 15)', role_name
                USING HINT = 'REVOKE CREATE ON SCHEMA public FROM PUBLIC;';
        END IF;
    END LOOP;
END
$roles$;
