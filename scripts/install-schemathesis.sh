#!/usr/bin/env bash
# Installs schemathesis (the OpenAPI fuzzer that api/schemathesis.integration.test.ts runs)
# into a private virtualenv under the Sluice cache, pinned, idempotently, and prints the path
# of its program. Needs python3 with the venv module (Debian: python3-venv; see
# scripts/system-deps.txt).
set -euo pipefail

SCHEMATHESIS_VERSION="4.32.5"
cache="${SLUICE_CACHE:-$HOME/.cache/sluice}"
venv="$cache/schemathesis-$SCHEMATHESIS_VERSION"
# Written last: a virtualenv without it is a broken half-install and is made again.
done_marker="$venv/.sluice-installed"

if [[ ! -f "$done_marker" ]]; then
  echo "install-schemathesis: installing schemathesis $SCHEMATHESIS_VERSION into $venv" >&2
  if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    echo "install-schemathesis: python3 has no venv module; install python3-venv (scripts/install-system-deps.sh)" >&2
    exit 1
  fi
  rm -rf "$venv"
  mkdir -p "$cache"
  # A virtualenv records its own path in its scripts: it is created where it will stay.
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "schemathesis==$SCHEMATHESIS_VERSION" >&2
  touch "$done_marker"
fi
echo "$venv/bin/schemathesis"
