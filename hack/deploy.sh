#!/usr/bin/env bash
# make deploy / undeploy: config/default with the image set to IMAGE, applied to (or deleted from) the current
# kubectl context. The overlay is written under .local/ so the committed kustomization keeps its default image.
set -euo pipefail
action=${1:?apply|delete}; image=${2:?image}
root=$(cd "$(dirname "$0")/.." && pwd)
overlay=$root/.local/deploy
mkdir -p "$overlay"
name=${image%:*}; tag=${image##*:}
[ "$name" = "$image" ] && tag=latest
cat > "$overlay/kustomization.yaml" <<K
resources:
- ../../config/default
images:
- name: appkeys-operator
  newName: $name
  newTag: "$tag"
K
case "$action" in
  apply)
    ${KUBECTL:-kubectl} apply -k "$overlay"
    ${KUBECTL:-kubectl} -n appkeys-system rollout status deployment/appkeys-operator --timeout=180s ;;
  delete)
    ${KUBECTL:-kubectl} delete -k "$overlay" --ignore-not-found ;;
  *) echo "deploy.sh: unknown action '$action'" >&2; exit 2 ;;
esac
