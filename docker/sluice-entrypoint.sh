#!/bin/sh
# Entry point of the sluice and sluice-collector images: the first argument picks the part.
#   api | operator | exporter | processor | sluice <cli args> | <any other command>
# Options after the part go to it, e.g. `operator --id op-1` or `sluice status`.
set -eu
# compose passes an unset optional variable as an empty one; empty means "not configured".
if [ -z "${SLUICE_JWT_SECRET:-}" ]; then unset SLUICE_JWT_SECRET; fi
part="${1:-api}"
[ "$#" -gt 0 ] && shift
case "$part" in
  api) exec node /app/api/server.ts "$@" ;;
  operator) exec node /app/api/operator-main.ts "$@" ;;
  exporter) exec node /app/api/exporter-main.ts "$@" ;;
  processor) exec node /app/processor/main.ts "$@" ;;
  sluice | cli) exec node /app/cli/main.ts "$@" ;;
  *) exec "$part" "$@" ;;
esac
