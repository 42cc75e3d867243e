-- Folds one batch's event changes into agent_task_progress; same parameters as
-- session_summary_add.sql. Counts are exact under retraction; the BOOL_ORs and the latest
-- decision only grow here, agent_task_progress_retract.sql recomputes them where events left.
WITH changed AS (
    SELECT r.session_id, r.agent_id, r.event_type, r.created_at::timestamptz AS created_at, -1 AS sign
    FROM jsonb_to_recordset(?::jsonb)
         AS r(session_id text, agent_id text, event_type text, created_at text)
    UNION ALL
    SELECT a.session_id, a.agent_id, a.event_type, a.created_at::timestamptz, 1
    FROM jsonb_to_recordset(?::jsonb)
         AS a(session_id text, agent_id text, event_type text, created_at text)
), delta AS (
    SELECT session_id,
           agent_id,
           COALESCE(SUM(sign) FILTER (WHERE event_type = 'decision_made'), 0)  AS decisions_made,
           COALESCE(SUM(sign) FILTER (WHERE event_type = 'tool_called'), 0)    AS tools_invoked,
           COALESCE(SUM(sign) FILTER (WHERE event_type = 'task_completed'), 0) AS tasks_completed,
           COALESCE(BOOL_OR(event_type = 'error_occurred') FILTER (WHERE sign > 0), FALSE) AS had_error,
           COALESCE(BOOL_OR(event_type = 'session_ended') FILTER (WHERE sign > 0), FALSE)  AS is_closed,
           MAX(created_at) FILTER (WHERE sign > 0 AND event_type = 'decision_made')        AS last_decision_at
    FROM changed
    GROUP BY session_id, agent_id
)
INSERT INTO public.agent_task_progress AS p (
    session_id, agent_id, decisions_made, tools_invoked, tasks_completed,
    had_error, is_closed, last_decision_at)
SELECT session_id, agent_id, decisions_made, tools_invoked, tasks_completed,
       had_error, is_closed, last_decision_at
FROM delta
ON CONFLICT (session_id, agent_id) DO UPDATE SET
    decisions_made   = p.decisions_made + EXCLUDED.decisions_made,
    tools_invoked    = p.tools_invoked + EXCLUDED.tools_invoked,
    tasks_completed  = p.tasks_completed + EXCLUDED.tasks_completed,
    had_error        = p.had_error OR EXCLUDED.had_error,
    is_closed        = p.is_closed OR EXCLUDED.is_closed,
    last_decision_at = GREATEST(p.last_decision_at, EXCLUDED.last_decision_at)
