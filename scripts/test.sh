#!/usr/bin/env bash
# The whole test suite: set-up, type check, lint, format check, unit and end-to-end tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/bootstrap.sh
npm run --silent check
