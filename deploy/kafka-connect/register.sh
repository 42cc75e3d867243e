#!/bin/sh
# Registers (or updates) the two connectors of the kafka profile with the Connect worker's REST API, once the
# worker answers. PUT /connectors/<name>/config creates a connector or replaces its configuration: running this
# again changes nothing else.
set -eu
connect=http://connect:8083
until curl -fsS -o /dev/null "$connect/connectors"; do
  echo "waiting for the Connect worker at $connect ..."
  sleep 2
done
for name in source sink; do
  curl -fsS -X PUT -H 'Content-Type: application/json' --data @"/connectors/$name-connector.json" \
    "$connect/connectors/agent-state-bridge-$name/config"
  echo
done
