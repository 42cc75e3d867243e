package io.agentstatebridge.client;

/**
 * The event types the projections count. Any other non-empty type may be appended too; it shows
 * in agent_current_state and in session totals but in no specific counter.
 */
public enum EventType {
    /** A user's message reached the agent: counted in session_summary.user_messages. */
    MESSAGE_RECEIVED("message_received"),
    /** The agent called a tool: session_summary.tool_calls, agent_task_progress.tools_invoked. */
    TOOL_CALLED("tool_called"),
    /** The agent decided something: decisions, decisions_made, last_decision_at. */
    DECISION_MADE("decision_made"),
    /** A task finished: agent_task_progress.tasks_completed. */
    TASK_COMPLETED("task_completed"),
    /** Something failed: session_summary.errors, agent_task_progress.had_error. */
    ERROR_OCCURRED("error_occurred"),
    /** The session is over: agent_task_progress.is_closed. */
    SESSION_ENDED("session_ended");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    /** The value stored in agent_events.event_type. */
    public String wireName() {
        return wireName;
    }
}
