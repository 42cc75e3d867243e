-- Lists, after a load, the events whose token_count the definition could not cast to INT (they
-- are counted as 0), as the streamed apply does for each batch.
INSERT INTO agent_state_bridge.rejected_rows (source_table, row_key, reason, row_data)
SELECT 'public.agent_events',
       e.event_id,
       'payload.token_count is not an integer that fits INT; counted as 0',
       jsonb_build_object('event_id', e.event_id, 'agent_id', e.agent_id,
                          'session_id', e.session_id, 'token_count', e.payload -> 'token_count')
FROM public.agent_events e
WHERE agent_state_bridge.token_count_is_invalid(e.payload)
