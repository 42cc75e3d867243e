-- The latest event of each agent, with the session it belongs to. Events in unknown sessions are
-- invisible (inner join). Ties on created_at go to the greatest event_id, byte order.
SELECT DISTINCT ON (e.agent_id)
    e.agent_id,
    e.session_id,
    e.event_type  AS last_event_type,
    e.payload,
    e.created_at  AS last_event_at,
    s.agent_type,
    s.user_id,
    s.started_at  AS session_started_at
FROM agent_events e
JOIN agent_sessions s ON e.session_id = s.session_id
ORDER BY e.agent_id, e.created_at DESC, e.event_id COLLATE "C" DESC
