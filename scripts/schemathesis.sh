#!/usr/bin/env bash
# The contract check: schemathesis (PyPI, pinned) against /openapi.json of a real stack (`npm start`
# on free ports and a fresh data dir), with an operator key, for a bounded time. Exits non-zero on
# any server error, status code, header or body the document does not declare.
#
#   scripts/schemathesis.sh                     # about 4 minutes at most
#   SCHEMATHESIS_MAX_TIME=60 SCHEMATHESIS_MAX_EXAMPLES=10 scripts/schemathesis.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
VENV=.venv-schemathesis # git-ignored
MAX_EXAMPLES=${SCHEMATHESIS_MAX_EXAMPLES:-25}
MAX_TIME=${SCHEMATHESIS_MAX_TIME:-180}
READY_TIMEOUT=${SCHEMATHESIS_READY_TIMEOUT:-180}

if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -qF "$SCHEMATHESIS_VERSION"; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
work=$(mktemp -d "${TMPDIR:-/tmp}/schemathesis.XXXXXX")
api_port=$(free_port)
log="$work/stack.log"

# Its own process group, so that stopping it reaches every child (tsx, node, the database).
DATA_DIR="$work/data" PORT=$api_port HOST=127.0.0.1 EMBEDDED_DB_PORT=$(free_port) \
  TEMPORAL_DEV_PORT=$(free_port) TEMPORAL_UI_PORT=$(free_port) RATE_LIMIT_PER_MINUTE=1000000 LOG_LEVEL=warn \
  setsid node_modules/.bin/tsx scripts/start.ts >"$log" 2>&1 &
stack=$!

stop_stack() {
  kill -TERM -- "-$stack" 2>/dev/null || true
  for _ in $(seq 1 30); do kill -0 "$stack" 2>/dev/null || break; sleep 1; done
  kill -KILL -- "-$stack" 2>/dev/null || true
  # The Temporal dev server runs in a process group of its own: stop it (and only it) by the data dir it was given.
  for pid in $(pgrep -f -- "$work/data" || true); do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap stop_stack EXIT

for _ in $(seq 1 "$READY_TIMEOUT"); do
  grep -qs '\] ready$' "$log" && break
  if ! kill -0 "$stack" 2>/dev/null; then
    cat "$log" >&2
    echo "schemathesis: the stack did not start" >&2
    exit 1
  fi
  sleep 1
done
if ! grep -qs '\] ready$' "$log"; then
  cat "$log" >&2
  echo "schemathesis: the stack was not ready after ${READY_TIMEOUT}s" >&2
  exit 1
fi
key=$(grep -oE 'bfk_[A-Za-z0-9_-]+' "$log" | head -n 1)
if [ -z "$key" ]; then
  echo "schemathesis: no operator key in the stack's output" >&2
  exit 1
fi

echo "schemathesis $SCHEMATHESIS_VERSION against http://127.0.0.1:$api_port/openapi.json (at most ${MAX_TIME}s)"
status=0
# revokeApiKey is left out: the stateful phase would revoke the run's own key (it is listed by GET /v1/api-keys).
SCHEMATHESIS_HOOKS=schemathesis_hooks PYTHONPATH=scripts timeout --signal=INT --kill-after=30 $((MAX_TIME + 60)) \
  "$VENV/bin/schemathesis" --config-file scripts/schemathesis.toml run "http://127.0.0.1:$api_port/openapi.json" \
  --exclude-operation-id revokeApiKey \
  --header "Authorization: Bearer $key" \
  --checks all \
  --exclude-checks missing_required_header \
  --max-examples "$MAX_EXAMPLES" \
  --max-time "$MAX_TIME" \
  --request-timeout 30 \
  --workers 1 \
  --generation-database none \
  --no-color || status=$?
if [ "$status" -ne 0 ]; then
  echo "schemathesis: failures (exit $status); the API's log:" >&2
  grep -E '"level":(50|60)' "$log" | tail -n 20 >&2 || true
fi
exit "$status"
