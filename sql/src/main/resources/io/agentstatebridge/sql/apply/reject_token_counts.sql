-- Records added events whose token_count the defining query could not cast to INT (they are
-- counted as 0). Parameter: the added event rows, as for group_deltas_from_event_rows.sql.
INSERT INTO agent_state_bridge.rejected_rows (source_table, row_key, reason, row_data)
SELECT 'public.agent_events',
       a.event_id,
       'payload.token_count is not an integer that fits INT; counted as 0',
       jsonb_build_object('event_id', a.event_id, 'agent_id', a.agent_id,
                          'session_id', a.session_id, 'token_count', a.payload::jsonb -> 'token_count')
FROM jsonb_to_recordset(?::jsonb) AS a(event_id text, agent_id text, session_id text, payload text)
WHERE agent_state_bridge.token_count_is_invalid(a.payload::jsonb)
RETURNING row_key, row_data ->> 'token_count'
