#!/bin/sh
# The compose stack's one-shot `deploy` service: deploys the pipeline folder mounted at /pipeline
# through the API with the `sluice` CLI, exactly as a user would, then exits (0 on success).
# Each ${NAME} of config.yaml is set as a secret from this container's environment, read from
# standard input so that no value appears on a command line.
set -eu

export SLUICE_CONFIG_DIR="${TMPDIR:-/tmp}/sluice-deploy/config"
export SLUICE_CACHE_DIR="${TMPDIR:-/tmp}/sluice-deploy/cache"
rm -rf "${TMPDIR:-/tmp}/sluice-deploy"

sluice context add compose "$SLUICE_API_URL" "$SLUICE_RDI_USER" --default-pipeline default
SLUICE_PASSWORD="$SLUICE_RDI_PASSWORD" sluice login

names="$(grep -o '\${[A-Z0-9_]*}' /pipeline/config.yaml | tr -d '${}' | sort -u)"
for name in $names; do
  value="$(printenv "$name" || true)"
  if [ -z "$value" ]; then
    echo "deploy-pipeline: config.yaml uses \${$name} but the deploy service has no $name" >&2
    exit 1
  fi
  printf '%s' "$value" | sluice set-secret "$name"
done

sluice deploy --dir /pipeline --start
sluice status
