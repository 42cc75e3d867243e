-- Least-privilege roles on the write side, for `agent-state-bridge migrate --create-roles`.
--
-- Run by the owner of the write-side tables with the right to create roles (in practice a
-- superuser: only one may give a role REPLICATION), after the write-side and bookkeeping
-- migrations and after the publication has been created: the bridge's role then needs no CREATE
-- anywhere. Safe to run again: roles are created when missing, and each role's privileges on
-- these tables are reset to exactly the ones granted here.
--
-- Parameters arrive as settings and role names reach SQL only through format('%I'), so any name
-- is quoted correctly and none can change the statements:
--   agent_state_bridge.writer_role, agent_state_bridge.bridge_role  role names
--   agent_state_bridge.writer_login  'true' when the writer role is to log in itself (a password
--                                    is set next); otherwise it stays a group role
DO $roles$
DECLARE
    writer       TEXT    := current_setting('agent_state_bridge.writer_role');
    bridge       TEXT    := current_setting('agent_state_bridge.bridge_role');
    writer_login BOOLEAN := current_setting('agent_state_bridge.writer_login')::BOOLEAN;
    role_name    TEXT;
BEGIN
    FOREACH role_name IN ARRAY ARRAY[writer, bridge] LOOP
        IF role_name = current_user THEN
            RAISE EXCEPTION 'role "%" is the role running migrate; it cannot also be given least privileges', role_name
                USING HINT = 'Run migrate --create-roles as the owner of the tables or a superuser, '
                          || 'and name the roles to create with --writer-role and --bridge-role.';
        END IF;
        IF EXISTS (SELECT FROM pg_roles WHERE rolname = role_name AND rolsuper) THEN
            RAISE EXCEPTION 'role "%" is a superuser, so no privilege can be withheld from it', role_name
                USING HINT = 'Choose another name with --writer-role or --bridge-role.';
        END IF;
    END LOOP;

    -- Agents append events, start sessions and may read both back; after starting a session they
    -- may set its user and metadata (the client library's session update), nothing else of it.
    -- Without UPDATE, DELETE or TRUNCATE on agent_events the log is append-only by privilege,
    -- whatever agent code attempts, and a session keeps its ids, type and start time.
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = writer) THEN
        EXECUTE format('CREATE ROLE %I NOLOGIN', writer);
    END IF;
    IF writer_login THEN
        EXECUTE format('ALTER ROLE %I LOGIN', writer);
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', writer);
    EXECUTE format('REVOKE ALL ON public.agent_events, public.agent_sessions FROM %I', writer);
    EXECUTE format('GRANT SELECT, INSERT ON public.agent_events, public.agent_sessions TO %I', writer);
    EXECUTE format('GRANT UPDATE (user_id, metadata) ON public.agent_sessions TO %I', writer);

    -- The bridge streams (REPLICATION: attributes are not inherited, so this role logs in itself),
    -- snapshots the two tables and writes its heartbeat row, which travels through the stream.
    -- The publication belongs to the role running this script; the bridge only reads from it.
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = bridge) THEN
        EXECUTE format('CREATE ROLE %I LOGIN REPLICATION', bridge);
    ELSE
        EXECUTE format('ALTER ROLE %I LOGIN REPLICATION', bridge);
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA public, agent_state_bridge TO %I', bridge);
    EXECUTE format('REVOKE ALL ON public.agent_events, public.agent_sessions FROM %I', bridge);
    EXECUTE format('GRANT SELECT ON public.agent_events, public.agent_sessions TO %I', bridge);
    EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA agent_state_bridge FROM %I', bridge);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON agent_state_bridge.heartbeat TO %I', bridge);
    -- At start the bridge confirms that its bookkeeping table is current by reading its history.
    EXECUTE format('GRANT SELECT ON agent_state_bridge.schema_history_source_bookkeeping TO %I', bridge);

    RAISE NOTICE 'role "%" (%): SELECT, INSERT on public.agent_events and public.agent_sessions, UPDATE of agent_sessions.user_id and metadata; no other UPDATE, no DELETE or TRUNCATE',
        writer, CASE WHEN (SELECT rolcanlogin FROM pg_roles WHERE rolname = writer) THEN 'LOGIN'
                     ELSE 'NOLOGIN: GRANT it to the roles your agents log in as' END;
    RAISE NOTICE 'role "%" (LOGIN REPLICATION): SELECT on public.agent_events and public.agent_sessions; SELECT, INSERT, UPDATE on agent_state_bridge.heartbeat',
        bridge;

    -- Before PostgreSQL 15 every role may create tables in schema public: say so rather than
    -- change a database-wide default behind the operator's back.
    FOREACH role_name IN ARRAY ARRAY[writer, bridge] LOOP
        IF has_schema_privilege(role_name, 'public', 'CREATE') THEN
            RAISE WARNING 'role "%" may create objects in schema public (PUBLIC may, as before PostgreSQL 15)', role_name
                USING HINT = 'REVOKE CREATE ON SCHEMA public FROM PUBLIC;';
        END IF;
    END LOOP;
END
$roles$;
