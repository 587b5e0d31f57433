#!/usr/bin/env bash
# The local demo: sets everything up on first use, then runs PostgreSQL → Debezium Server →
# Redis streams → processor → target Redis with a continuous stream of changes. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/bootstrap.sh
exec node demo/run-demo.ts
