#!/usr/bin/env bash
# End-to-end benchmarks on the real stack (PostgreSQL, Debezium Server, RDI Redis, processor,
# target Redis); each prints a Markdown section and appends it to bench/RESULTS.md
# (--no-record: print only). docs/benchmarks.md describes them.
#   bench/e2e.sh <initial-sync|cdc|latency|catch-up|memory> [options]
set -euo pipefail
cd "$(dirname "$0")/.."
name="${1:-}"
case "$name" in
  initial-sync | cdc | latency | catch-up | memory) shift ;;
  *)
    echo "usage: bench/e2e.sh <initial-sync|cdc|latency|catch-up|memory> [options]" >&2
    exit 2
    ;;
esac
exec node "bench/e2e/$name.ts" "$@"
