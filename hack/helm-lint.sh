#!/usr/bin/env bash
# make helm-lint: `helm lint --strict` and `helm template` of the chart over the documented value combinations, with
# the pinned Helm (hack/install-helm.sh; HELM=path uses another). Helm enforces values.schema.json itself.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
chart=$root/charts/appkeys-operator
helm=${HELM:-$(bash "$root/hack/install-helm.sh")}
combos=(
  ""
  "--set metrics.serviceMonitor.enabled=true --set podDisruptionBudget.enabled=true --set replicaCount=2"
  "--set rbac.create=false --set serviceAccount.create=false --set serviceAccount.name=existing"
  "--set watchNamespaces={team-a,team-b}"
  "--set leaderElection.enabled=false --set metrics.service.enabled=false"
  "--set rolloutRestart.enabled=true"
  "--set rolloutRestart.enabled=true --set watchNamespaces={team-a,team-b}"
)
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
for values in "${combos[@]}"; do
  # shellcheck disable=SC2086
  "$helm" lint --strict "$chart" $values > "$out/lint.txt" || { cat "$out/lint.txt"; echo "helm-lint: lint failed with: $values" >&2; exit 1; }
  # shellcheck disable=SC2086
  "$helm" template appkeys "$chart" --namespace appkeys-system --include-crds $values > "$out/rendered.yaml"
done
echo "helm-lint: the chart lints (--strict) and renders with ${#combos[@]} value combinations"
