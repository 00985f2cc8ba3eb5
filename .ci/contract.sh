#!/usr/bin/env bash
# The contract as integrators use it (issue 13): the document the server serves must equal the
# committed one, pass openapi-spec-validator and Spectral's spectral:oas with no error and no
# warning, and generate a TypeScript client (openapi-typescript + openapi-fetch, strict tsc) and a
# Python client (openapi-python-client) that each run a small flow against `usul serve --demo`:
# sign in with the form-encoded OAuth grant, list the school's staff, read a plan, revalidate it
# with If-None-Match (304), list the staff changed since a time.
# Tools are pinned in clients/package.json (+ package-lock.json) and clients/requirements.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

step() { printf '\n==> contract: %s\n' "$*"; }

WORK=$(mktemp -d /tmp/usul-contract.XXXXXX)
VENV="${USUL_CONTRACT_VENV:-/tmp/usul-contract-venv}"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

step "tools (pinned): Python venv $VENV, npm ci in clients/"
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
"$VENV/bin/pip" install -q --disable-pip-version-check -r clients/requirements.txt
(cd clients && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)

step "usul serve --demo on a temp SQLite file and a free port"
BIN="${CARGO_TARGET_DIR:-target}/debug/usul"
cargo build -q -p usul-api --locked
PORT=$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
"$BIN" serve --demo --database-url "sqlite://$WORK/usul.db?mode=rwc" --bind "127.0.0.1:$PORT" \
  --files-dir "$WORK/files" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do
  curl -sf "$BASE/readyz" > /dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log"; echo "the server stopped"; exit 1; }
  sleep 0.5
done
curl -sf "$BASE/readyz" > /dev/null || { tail -n 40 "$WORK/server.log"; echo "the server is not ready"; exit 1; }

step "the served document is the committed one"
curl -sf "$BASE/api-docs/openapi.json" -o "$WORK/openapi.json"
"$VENV/bin/python" - "$WORK/openapi.json" openapi/openapi.json <<'PY'
import json, sys
served, committed = (json.load(open(p)) for p in sys.argv[1:])
if served != committed:
    sys.exit("the served /api-docs/openapi.json differs from openapi/openapi.json")
print("same document")
PY

step "openapi-spec-validator"
"$VENV/bin/openapi-spec-validator" "$WORK/openapi.json"

step "Spectral spectral:oas (.spectral.yaml): no error, no warning"
(cd clients && npx --no-install spectral lint "$WORK/openapi.json" --ruleset ../.spectral.yaml \
  --fail-severity=warn --display-only-failures)

step "TypeScript client: openapi-typescript, strict tsc, the flow"
(cd clients && rm -rf generated build \
  && npx --no-install openapi-typescript "$WORK/openapi.json" --output generated/schema.d.ts \
  && npx --no-install tsc -p tsconfig.json \
  && node build/flow.js "$BASE")

step "Python client: openapi-python-client, the flow"
PATH="$VENV/bin:$PATH" "$VENV/bin/openapi-python-client" generate --path "$WORK/openapi.json" \
  --config clients/python-config.yaml --meta none --output-path "$WORK/py/usul_client" --overwrite \
  > "$WORK/python-client.log" 2>&1 || { cat "$WORK/python-client.log"; exit 1; }
# Every operation must be generated. The generator warns about the imports' raw body types
# (`text/csv`, the XLSX type, which it does not generate) and builds each operation from its
# `multipart/form-data` body: those warnings pass if the operations are there; any other fails.
if grep -A2 -E '^WARNING' "$WORK/python-client.log" | grep -v -E '^WARNING parsing POST /api/v1/schools/\{id\}/(knowledge-quality|staff|subjects)/import |^Unsupported content type (text/csv|application/vnd.openxmlformats-officedocument.spreadsheetml.sheet)$|^--$|^$' | grep -q .; then
  cat "$WORK/python-client.log"; echo "openapi-python-client warned"; exit 1
fi
for import in knowledge-quality/import staff/import subjects/import; do
  if ! grep -rqs "$import" "$WORK/py/usul_client/api"; then
    echo "openapi-python-client did not generate $import"; exit 1
  fi
done
PYTHONPATH="$WORK/py" "$VENV/bin/python" clients/flow.py "$BASE"

echo "contract: the validator, Spectral and both generated clients passed"
