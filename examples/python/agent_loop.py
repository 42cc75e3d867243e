#!/usr/bin/env python3
"""An agent loop on agent-state-bridge, with psycopg2 and nothing else.

The agent writes its events to the source (the write side), then reads its own current state,
session summary and recent events from the read side the bridge maintains. After each commit it
takes a consistency token (the source's WAL position) and has the read side wait for it with
agent_state_bridge.await_applied, so every read shows the agent's own writes.

    python3 agent_loop.py --source postgresql://agent@db-primary/agents \
                          --target postgresql://reader@db-read/agents_read --steps 5

Exits 0 when every read showed the write just made, 1 otherwise.
"""
import argparse
import json
import sys
import uuid

import psycopg2
import psycopg2.extras

AWAIT_TIMEOUT_MS = 10_000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", required=True, help="write-side connection string (libpq URI or key=value)")
    parser.add_argument("--target", required=True, help="read-side connection string")
    parser.add_argument("--agent-id", default="py-agent-" + uuid.uuid4().hex[:8])
    parser.add_argument("--steps", type=int, default=5, help="loop iterations (default 5)")
    return parser.parse_args()


def commit_token(source):
    """After a commit: the source WAL position that covers it."""
    with source.cursor() as cur:
        cur.execute("SELECT pg_current_wal_insert_lsn()::text")
        return cur.fetchone()[0]


def append_events(source, agent_id, session_id, events):
    """Appends events in one transaction; returns the token for it.

    created_at is clock_timestamp(), not the column's default now(): now() is the transaction's
    start, so events of one transaction would tie and the "latest" would be decided by event_id.
    """
    with source:  # one transaction: committed on success, rolled back on error
        with source.cursor() as cur:
            psycopg2.extras.execute_batch(cur, """
                INSERT INTO agent_events (event_id, agent_id, session_id, event_type, payload, created_at)
                VALUES (%s, %s, %s, %s, %s, clock_timestamp())""",
                [(str(uuid.uuid4()), agent_id, session_id, event_type,
                  None if payload is None else json.dumps(payload))
                 for event_type, payload in events])
    return commit_token(source)


def await_applied(target, token):
    """Waits until the read side shows everything committed before the token."""
    with target.cursor() as cur:
        # Raises (SQLSTATE ASB01) if the read side does not get there in time: never a stale read.
        cur.execute("SELECT agent_state_bridge.await_applied(%s::pg_lsn, %s)", (token, AWAIT_TIMEOUT_MS))


def read_state(target, agent_id, session_id):
    with target.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
        cur.execute("SELECT * FROM agent_current_state WHERE agent_id = %s", (agent_id,))
        state = cur.fetchone()
        cur.execute("SELECT * FROM session_summary WHERE session_id = %s AND agent_id = %s", (session_id, agent_id))
        summary = cur.fetchone()
        cur.execute("SELECT * FROM agent_task_progress WHERE session_id = %s AND agent_id = %s",
                    (session_id, agent_id))
        progress = cur.fetchone()
        cur.execute("""SELECT event_type, payload FROM agent_events WHERE session_id = %s
                       ORDER BY created_at DESC LIMIT 3""", (session_id,))
        recent = [row["event_type"] for row in cur.fetchall()]
    return state, summary, progress, recent


def main():
    args = parse_args()
    agent_id = args.agent_id
    session_id = agent_id + "-" + uuid.uuid4().hex[:8]
    source = psycopg2.connect(args.source)
    target = psycopg2.connect(args.target)
    target.autocommit = True  # each read is its own statement, so it sees what await_applied waited for

    with source:
        with source.cursor() as cur:
            cur.execute("""INSERT INTO agent_sessions (session_id, agent_id, user_id, agent_type, metadata)
                           VALUES (%s, %s, %s, %s, %s)""",
                        (session_id, agent_id, "user-1", "python-example", json.dumps({"example": True})))

    stale_reads = 0
    for step in range(1, args.steps + 1):
        decision = f"step {step}: answer from the knowledge base"
        token = append_events(source, agent_id, session_id, [
            ("message_received", {"text": f"question {step}", "token_count": 20 + step}),
            ("tool_called", {"tool": "search_kb", "arguments": {"query": f"question {step}"}}),
            ("decision_made", {"decision": decision}),
        ])
        await_applied(target, token)
        state, summary, progress, recent = read_state(target, agent_id, session_id)
        sees_own_write = (state is not None and state["last_event_type"] == "decision_made"
                          and state["payload"]["decision"] == decision
                          and summary["decisions"] == step and progress["tools_invoked"] == step)
        stale_reads += 0 if sees_own_write else 1
        print(f"step {step}: token {token}; current state: {state['last_event_type'] if state else None}; "
              f"summary: {summary['total_events']} events, {summary['total_tokens_used']} tokens; "
              f"recent: {recent}; "
              f"{'sees its own write' if sees_own_write else 'STALE'}")

    token = append_events(source, agent_id, session_id, [("task_completed", {"task": "answer questions"}),
                                                         ("session_ended", None)])
    await_applied(target, token)
    _, summary, progress, _ = read_state(target, agent_id, session_id)
    print(f"session {session_id}: {summary['total_events']} events over {summary['session_duration']}, "
          f"{progress['tasks_completed']} task completed, closed: {progress['is_closed']}")
    source.close()
    target.close()
    if stale_reads or not progress["is_closed"]:
        print(f"{stale_reads} stale reads", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
