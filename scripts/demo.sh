#!/usr/bin/env bash
# The demo on embedded defaults: installs what is missing, makes sure Redis runs, generates sample scans, ingests
# them end to end and serves the UI on http://127.0.0.1:${PORT:-3000}/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash scripts/ensure-redis.sh
echo "Costruisco l'interfaccia web (vite build)…" >&2
npx vite build --logLevel warn
export FALDONE_DATA_DIR="${FALDONE_DATA_DIR:-data/demo}"
export QUEUE_PREFIX="${QUEUE_PREFIX:-faldone-demo}"
exec npx tsx scripts/demo.ts "$@"
