#!/usr/bin/env bash
# `make verify`: fails when a generated file differs from what its generator makes now, and says how to fix it.
# Never writes into the work tree: everything is regenerated into a scratch directory and compared.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=0

compare() { # compare <what> <committed dir> <regenerated dir>
  if diff -ru --exclude='.gitkeep' "$2" "$3" > "$scratch/diff.txt"; then
    echo "verify: $1 up to date"
  else
    echo "verify: $1 drifted from its source; run 'make manifests' and commit:" >&2
    head -n 60 "$scratch/diff.txt" >&2
    failed=1
  fi
}

# 1. The CRDs, regenerated from the C# API types.
mkdir -p "$scratch/crd"
${DOTNET:-dotnet} run --project tools/AppKeys.Manifests -c "${CONFIGURATION:-Release}" -- --output "$scratch/crd" > /dev/null
compare "config/crd/bases" config/crd/bases "$scratch/crd"
missing=$(for f in config/crd/bases/*.yaml; do grep -qx -- "- bases/$(basename "$f")" config/crd/kustomization.yaml || echo "$f"; done)
if [ -n "$missing" ]; then
  echo "verify: config/crd/kustomization.yaml does not list: $missing" >&2
  failed=1
fi

# 2. The Helm chart's CRDs and RBAC templates, regenerated from config/ by hack/sync-chart.sh.
cp -r charts/appkeys-operator "$scratch/chart"
bash hack/sync-chart.sh "$scratch/chart"
compare "charts/appkeys-operator/crds" charts/appkeys-operator/crds "$scratch/chart/crds"
compare "charts/appkeys-operator/templates/rbac" charts/appkeys-operator/templates/rbac "$scratch/chart/templates/rbac"

# 3. The kustomize trees render.
for dir in config/default config/crd config/rbac config/manager config/prometheus; do
  if ! ${KUBECTL:-kubectl} kustomize "$dir" > "$scratch/render.yaml" 2> "$scratch/render.err"; then
    echo "verify: 'kubectl kustomize $dir' fails:" >&2
    cat "$scratch/render.err" >&2
    failed=1
  fi
done
# The opt-in component renders on top of config/default (a component cannot be rendered alone).
mkdir -p "$scratch/with-rollout-restart"
rel() { realpath --relative-to="$scratch/with-rollout-restart" "$1"; }
printf 'resources:\n- %s\ncomponents:\n- %s\n' "$(rel "$root/config/default")" "$(rel "$root/config/components/rollout-restart")" > "$scratch/with-rollout-restart/kustomization.yaml"
if ! ${KUBECTL:-kubectl} kustomize "$scratch/with-rollout-restart" > "$scratch/render.yaml" 2> "$scratch/render.err" \
  || ! grep -q 'name: appkeys-operator-rollout-restart' "$scratch/render.yaml"; then
  echo "verify: config/default with config/components/rollout-restart does not render:" >&2
  cat "$scratch/render.err" >&2
  failed=1
fi
[ "$failed" = 0 ] && echo "verify: kustomize trees render"

exit "$failed"
