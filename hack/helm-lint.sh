#!/usr/bin/env bash
# make helm-lint: `helm lint` and `helm template` of the chart where helm is installed. Without helm it says so
# and exits 0: the checks that need no helm (schema validation of values.yaml, CRD and RBAC identity, YAML
# well-formedness) run in `make test` (tests/E2E/HelmChartTests.cs) and `make verify`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
chart=$root/charts/appkeys-operator
if ! command -v helm >/dev/null; then
  echo "helm-lint: SKIPPED: helm is not installed (the chart's helm-free checks run in 'make test' and 'make verify')"
  exit 0
fi
helm lint --strict "$chart"
helm lint --strict "$chart" --set metrics.serviceMonitor.enabled=true --set podDisruptionBudget.enabled=true --set replicaCount=2
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
helm template appkeys "$chart" --namespace appkeys-system --include-crds > "$out/default.yaml"
helm template appkeys "$chart" --namespace appkeys-system --set metrics.serviceMonitor.enabled=true \
  --set podDisruptionBudget.enabled=true --set rbac.create=false --set serviceAccount.create=false > "$out/options.yaml"
echo "helm-lint: chart lints and renders"
