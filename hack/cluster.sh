#!/usr/bin/env bash
# Local throwaway clusters for the real-cluster e2e (make kind-up / k3d-up / load-image / kind-down / k3d-down).
# Usage: hack/cluster.sh up|down|load kind|k3d NAME [IMAGE]
set -euo pipefail
action=${1:?up|down|load}; tool=${2:?kind|k3d}; name=${3:?cluster name}; image=${4:-}

need() { command -v "$1" >/dev/null || { echo "cluster.sh: '$1' is not installed; install it to use a $tool cluster" >&2; exit 2; }; }
need "$tool"
need docker

case "$tool/$action" in
  kind/up)
    kind get clusters 2>/dev/null | grep -qx "$name" || kind create cluster --name "$name" --wait 120s
    kubectl config use-context "kind-$name" ;;
  kind/down) kind delete cluster --name "$name" ;;
  kind/load) kind load docker-image "${image:?image}" --name "$name" ;;
  k3d/up)
    k3d cluster list "$name" >/dev/null 2>&1 || k3d cluster create "$name" --wait --timeout 120s
    kubectl config use-context "k3d-$name" ;;
  k3d/down) k3d cluster delete "$name" ;;
  k3d/load) k3d image import "${image:?image}" --cluster "$name" ;;
  *) echo "cluster.sh: unknown '$action' for '$tool'" >&2; exit 2 ;;
esac
