#!/usr/bin/env bash
# The local demo: sets everything up on first use, then starts PostgreSQL (a seeded shop
# database), the RDI database and target Redis, the REST API and the operator, deploys
# demo/pipeline with the `sluice` CLI, shows `sluice status` through the initial sync, then
# makes a change every second. Ctrl-C stops it all. Options: --changes <n>, --exit, --help.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/bootstrap.sh
exec node demo/run-demo.ts "$@"
