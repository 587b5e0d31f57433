#!/usr/bin/env bash
# The whole test suite: set-up, type check, lint, format check, unit and end-to-end tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/bootstrap.sh
# No registry ships a RedisJSON module; where the team's test build sits beside the checkout,
# the JSON-output tests run against it (elsewhere they skip, saying why).
if [[ -z "${SLUICE_REDISJSON_MODULE:-}" && -f ../shared/redisjson/librejson.so ]]; then
  SLUICE_REDISJSON_MODULE="$(cd ../shared/redisjson && pwd)/librejson.so"
  export SLUICE_REDISJSON_MODULE
fi
# Tools only the tests need (the demo does not wait for them), each cached by version:
# schemathesis (API fuzzing); helm, kubeconform and its schemas, kube-apiserver, kubectl, etcd
# (the chart and the operator's Kubernetes runtime). The compose test sets up its Docker engine.
bash scripts/install-schemathesis.sh >/dev/null
bash scripts/install-k8s-tools.sh
npm run --silent check
